package dev.autolog.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns user-written paths into absolute ones: a leading {@code ~} is the user's home and a
 * relative path is relative to the working directory the loader was given (not the JVM's, so
 * that loading stays a pure function of its inputs).
 */
final class PathResolver {

  private final Path workingDirectory;
  private final Path userHome;

  PathResolver(Path workingDirectory, Path userHome) {
    this.workingDirectory = workingDirectory;
    this.userHome = userHome;
  }

  Path workingDirectory() {
    return workingDirectory;
  }

  Path userHome() {
    return userHome;
  }

  /** Returns the absolute, normalized form of {@code path}. */
  Path resolve(String path) throws ConfigException {
    String expanded = path.trim();
    if (expanded.equals("~")) {
      return userHome;
    }
    if (expanded.startsWith("~/") || expanded.startsWith("~\\")) {
      expanded = userHome + expanded.substring(1);
    }
    try {
      return workingDirectory.resolve(expanded).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      // getReason() describes the problem without repeating the input.
      throw new ConfigException("not a valid path (" + e.getReason() + ")",
          "write a file system path");
    }
  }
}
