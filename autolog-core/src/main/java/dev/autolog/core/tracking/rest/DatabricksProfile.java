package dev.autolog.core.tracking.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A profile of the Databricks CLI config file ({@code DATABRICKS_CONFIG_FILE}, default
 * {@code ~/.databrickscfg}): an INI file whose sections hold {@code host} and {@code token}.
 *
 * @param host the workspace URL, or null
 * @param token the personal access token, or null
 */
public record DatabricksProfile(String host, String token) {

  /** The profile named {@code name} ({@code DEFAULT} when null); empty fields when absent. */
  public static DatabricksProfile read(String name, Map<String, String> env, Path userHome) {
    String file = env.get("DATABRICKS_CONFIG_FILE");
    Path path = file != null ? Path.of(file) : userHome.resolve(".databrickscfg");
    String wanted = name == null || name.isBlank() ? "DEFAULT" : name;
    Map<String, String> values = new HashMap<>();
    try {
      String section = null;
      for (String raw : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        String line = raw.trim();
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
          continue;
        }
        if (line.startsWith("[") && line.endsWith("]")) {
          section = line.substring(1, line.length() - 1).trim();
        } else if (wanted.equals(section) && line.contains("=")) {
          int eq = line.indexOf('=');
          values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
    } catch (IOException e) {
      // No file: no profile.
    }
    return new DatabricksProfile(values.get("host"), values.get("token"));
  }
}
