package dev.autolog.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Checks whether a file holding a plain-text secret can be read by more than its owner. */
final class FilePermissions {

  private FilePermissions() {}

  /**
   * Returns true if {@code file} is readable by its group or by others. Returns false where the
   * file system has no POSIX permissions (Windows): there is nothing meaningful to check.
   */
  static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      return permissions.contains(PosixFilePermission.GROUP_READ)
          || permissions.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException | IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * Warns when {@code file} is readable by group or others. {@code holding} says what the file
   * is, e.g. {@code "secret file /x/pw.txt holds a plain-text secret"}; it must name the file.
   */
  static void warnIfReadableByOthers(Path file, String holding, Diagnostics diagnostics) {
    if (readableByOthers(file)) {
      diagnostics.warn(holding + " and can be read by group or others; run chmod 600 " + file);
    }
  }
}
