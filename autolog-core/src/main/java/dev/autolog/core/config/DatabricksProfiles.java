package dev.autolog.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Looks up a profile's host in the Databricks CLI config file ({@code DATABRICKS_CONFIG_FILE} or
 * {@code ~/.databrickscfg}), an INI file with sections such as {@code [DEFAULT]} holding
 * {@code host = https://...}.
 */
final class DatabricksProfiles {

  static final String CONFIG_FILE_VARIABLE = "DATABRICKS_CONFIG_FILE";
  private static final Pattern HOST_LINE = Pattern.compile("\\s*host\\s*[=:]\\s*\\S.*");

  private DatabricksProfiles() {}

  /** Returns the config file the Databricks tools would read. */
  static Path configFile(Map<String, String> environment, PathResolver paths) {
    String configured = environment.get(CONFIG_FILE_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      try {
        return paths.resolve(configured);
      } catch (ConfigException e) {
        // Fall through: an unusable DATABRICKS_CONFIG_FILE simply provides no host.
      }
    }
    return paths.userHome().resolve(".databrickscfg");
  }

  /** Returns true if section {@code [profile]} of {@code file} has a non-empty host line. */
  static boolean hasHost(Path file, String profile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return false;
    }
    String section = null;
    for (String line : lines) {
      String trimmed = line.trim();
      if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
        section = trimmed.substring(1, trimmed.length() - 1).trim();
      } else if (profile.equals(section) && HOST_LINE.matcher(line).matches()) {
        return true;
      }
    }
    return false;
  }
}
