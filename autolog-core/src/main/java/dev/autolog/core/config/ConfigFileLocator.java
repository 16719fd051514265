package dev.autolog.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Decides which YAML file to read: the {@code config} setting from the agent argument, else
 * {@code -Dautolog.config}, else {@code AUTOLOG_CONFIG}, else {@code ./autolog.yaml} in the
 * working directory when that file exists.
 */
final class ConfigFileLocator {

  static final String DEFAULT_FILE_NAME = "autolog.yaml";

  /**
   * The file to read and the source of the {@code config} setting that named it
   * ({@link ConfigSource#DISCOVERED_CONFIG_FILE} for a discovered {@code ./autolog.yaml}).
   */
  record Location(Path file, ConfigSource settingSource) {}

  private ConfigFileLocator() {}

  /**
   * Returns the file to read, or null if there is none; an explicitly named file that does not
   * exist is an error.
   *
   * @param layersHighestFirst the agent argument, system property and environment layers
   */
  static Location locate(List<Layer> layersHighestFirst, SecretResolver resolver,
      PathResolver paths, Diagnostics diagnostics) {
    for (Layer layer : layersHighestFirst) {
      Setting setting = layer.get(ConfigKey.CONFIG);
      if (setting != null) {
        return explicit(setting, resolver, paths, diagnostics);
      }
    }
    Path discovered = paths.workingDirectory().resolve(DEFAULT_FILE_NAME);
    return Files.exists(discovered)
        ? new Location(discovered, ConfigSource.DISCOVERED_CONFIG_FILE) : null;
  }

  private static Location explicit(Setting setting, SecretResolver resolver, PathResolver paths,
      Diagnostics diagnostics) {
    Path file;
    try {
      file = paths.resolve(resolver.resolve(setting.value()));
    } catch (ConfigException e) {
      diagnostics.error(ConfigKey.CONFIG, setting.source(), setting.value(), e.reason(), e.fix());
      return null;
    }
    if (!Files.exists(file)) {
      diagnostics.error(ConfigKey.CONFIG, setting.source(), setting.value(),
          "the config file " + file + " does not exist",
          "fix the path (a relative path starts in " + paths.workingDirectory()
              + ") or remove the setting");
      return null;
    }
    return new Location(file, setting.source());
  }
}
