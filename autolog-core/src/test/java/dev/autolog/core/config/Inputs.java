package dev.autolog.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the inputs of {@link ConfigLoader#load} for a test, without touching the real JVM. */
final class Inputs {

  final Path workingDirectory;
  final Path userHome;
  private String agentArgs;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();

  Inputs(Path workingDirectory, Path userHome) {
    this.workingDirectory = workingDirectory;
    this.userHome = userHome;
  }

  Inputs agent(String arguments) {
    this.agentArgs = arguments;
    return this;
  }

  Inputs property(String name, String value) {
    properties.put(name, value);
    return this;
  }

  Inputs env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  Inputs removeProperty(String name) {
    properties.remove(name);
    return this;
  }

  Inputs removeEnv(String name) {
    environment.remove(name);
    return this;
  }

  ConfigResult load() {
    return ConfigLoader.load(agentArgs, properties, environment, workingDirectory, userHome);
  }

  /** Writes {@code content} to {@code relative} under the working directory, mode 0600. */
  Path file(String relative, String content) {
    return file(workingDirectory.resolve(relative), content, "rw-------");
  }

  static Path file(Path path, String content, String permissions) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.writeString(path, content, StandardCharsets.UTF_8);
      if (posix()) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
      }
      return path;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Every line of output the result can produce, for leak checks. */
  static List<String> allText(ConfigResult result) {
    List<String> text = new ArrayList<>(result.warnings());
    for (ConfigProblem problem : result.errors()) {
      text.add(problem.message());
      text.add(problem.toString());
      text.add(String.valueOf(problem.value()));
      text.add(problem.reason());
      text.add(problem.fix());
    }
    text.add(result.config().toString());
    text.add(result.config().describeDestination());
    return text;
  }

  static String errorText(ConfigResult result) {
    return String.join("\n", result.errors().stream().map(ConfigProblem::message).toList());
  }
}
