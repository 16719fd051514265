package dev.autolog.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the agent's configuration from, highest precedence first:
 *
 * <ol>
 *   <li>the agent argument, {@code key=value,key=value};
 *   <li>system properties {@code autolog.<key>};
 *   <li>environment variables {@code AUTOLOG_<KEY>} (upper case, dots as underscores);
 *   <li>the YAML file named by {@code config} (or {@code ./autolog.yaml} when present);
 *   <li>MLflow's own environment variables, such as {@code MLFLOW_TRACKING_URI};
 *   <li>the defaults in {@link ConfigKey}.
 * </ol>
 *
 * <p>Secret references ({@code {{env:NAME}}}, {@code {{file:path}}},
 * {@code {{secret_name.key}}}) are then resolved and the result validated.
 *
 * <p>Loading never throws, prints or changes system properties: everything it has to say is in
 * the returned {@link ConfigResult}, for the caller to print once its logging is set up.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads the configuration from the given inputs only; nothing is read from the real
   * environment except the files the configuration names.
   *
   * @param agentArgs the agent argument string, may be null
   * @param systemProperties the system properties; only {@code autolog.*} ones are read
   * @param environment the environment variables
   * @param workingDirectory what relative paths are relative to, and where {@code autolog.yaml}
   *     is looked for
   * @param userHome what a leading {@code ~} in a path stands for
   */
  public static ConfigResult load(String agentArgs, Map<String, String> systemProperties,
      Map<String, String> environment, Path workingDirectory, Path userHome) {
    Map<String, String> properties = systemProperties == null ? Map.of() : systemProperties;
    Map<String, String> variables = environment == null ? Map.of() : environment;
    Path directory = (workingDirectory == null ? Path.of("") : workingDirectory)
        .toAbsolutePath().normalize();
    Path home = (userHome == null ? directory : userHome).toAbsolutePath().normalize();
    try {
      return new Run(properties, variables, new PathResolver(directory, home)).load(agentArgs);
    } catch (RuntimeException e) {
      // A bug in here must not take the application down; report it like any other problem,
      // by type only, since a message could quote a value.
      ConfigProblem problem = ConfigProblem.of(ConfigKey.CONFIG.key(), ConfigSource.DEFAULT, null,
          "internal error while loading the configuration (" + e.getClass().getName() + ")",
          "please report this; autologging stays off");
      return new ConfigResult(AutologConfig.disabled(ConfigSource.DEFAULT), List.of(),
          List.of(problem));
    }
  }

  /**
   * Loads the configuration from the real system properties and environment, with
   * {@code user.dir} as the working directory and {@code user.home} as the home directory.
   */
  public static ConfigResult load(String agentArgs) {
    Map<String, String> properties = new HashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      properties.put(name, System.getProperty(name));
    }
    return load(agentArgs, properties, System.getenv(),
        Path.of(System.getProperty("user.dir", "")), Path.of(System.getProperty("user.home", "")));
  }

  /** The state of one load. */
  private static final class Run {

    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final PathResolver paths;
    private final Diagnostics diagnostics = new Diagnostics();
    private final AutologConfig.Builder builder = new AutologConfig.Builder();
    // Settings whose value could not be resolved or parsed; rules involving them are skipped.
    private final Set<ConfigKey> unusable = EnumSet.noneOf(ConfigKey.class);

    Run(Map<String, String> systemProperties, Map<String, String> environment,
        PathResolver paths) {
      this.systemProperties = systemProperties;
      this.environment = environment;
      this.paths = paths;
    }

    ConfigResult load(String agentArgs) {
      // {{secret_name.key}} is unavailable until secrets_dir itself is known.
      SecretResolver bootstrap = new SecretResolver(environment, paths, null, diagnostics);
      MergedSettings merged = new MergedSettings(readLayers(agentArgs, bootstrap));
      SecretResolver resolver =
          new SecretResolver(environment, paths, secretsDirectory(merged, bootstrap), diagnostics);

      Setting enabled = merged.get(ConfigKey.ENABLED);
      if (enabled != null && !isEnabled(enabled, resolver)) {
        // Switched off: nothing else matters, so nothing else is resolved or reported.
        return new ConfigResult(AutologConfig.disabled(enabled.source()), diagnostics.warnings(),
            List.of());
      }

      Map<ConfigKey, Setting> values = resolveValues(merged, resolver);
      addDatabricksToken(values);
      values.forEach(this::convert);
      resolveTags(merged, resolver);
      ConfigValidator.validate(builder, unusable, environment, paths, diagnostics);

      if (diagnostics.hasErrors()) {
        return new ConfigResult(AutologConfig.disabled(ConfigSource.DEFAULT),
            diagnostics.warnings(), diagnostics.errors());
      }
      return new ConfigResult(builder.build(), diagnostics.warnings(), List.of());
    }

    /** Returns the layers in precedence order, highest first. */
    private List<Layer> readLayers(String agentArgs, SecretResolver bootstrap) {
      List<Layer> layers = new ArrayList<>();
      layers.add(AgentArgumentReader.read(agentArgs, diagnostics));
      layers.add(SystemPropertyReader.read(systemProperties, diagnostics));
      layers.add(EnvironmentReader.readAutolog(environment, diagnostics));
      ConfigFileLocator.Location location =
          ConfigFileLocator.locate(List.copyOf(layers), bootstrap, paths, diagnostics);
      if (location != null) {
        builder.set(ConfigKey.CONFIG, location.file().toString(), location.settingSource());
        Layer yaml = YamlConfigReader.read(location.file(), location.settingSource(), diagnostics);
        if (yaml != null) {
          layers.add(yaml);
        }
      }
      layers.add(EnvironmentReader.readMlflow(environment));
      return layers;
    }

    private Path secretsDirectory(MergedSettings merged, SecretResolver bootstrap) {
      Setting setting = merged.get(ConfigKey.SECRETS_DIR);
      if (setting != null) {
        try {
          Path directory = paths.resolve(bootstrap.resolve(setting.value()));
          builder.set(ConfigKey.SECRETS_DIR, directory.toString(), setting.source());
          return directory;
        } catch (ConfigException e) {
          diagnostics.error(ConfigKey.SECRETS_DIR, setting.source(), setting.value(), e.reason(),
              e.fix());
        }
      }
      try {
        return paths.resolve(ConfigKey.SECRETS_DIR.defaultValue());
      } catch (ConfigException e) {
        throw new IllegalStateException("the default secrets_dir is a valid path", e);
      }
    }

    private boolean isEnabled(Setting enabled, SecretResolver resolver) {
      try {
        boolean on = ValueParser.parseBoolean(resolver.resolve(enabled.value()));
        builder.set(ConfigKey.ENABLED, on, enabled.source());
        return on;
      } catch (ConfigException e) {
        diagnostics.error(ConfigKey.ENABLED, enabled.source(), enabled.value(), e.reason(),
            e.fix());
        return true; // Not switched off, so the remaining settings are still checked.
      }
    }

    /** Resolves references in every setting not handled before; blank results count as unset. */
    private Map<ConfigKey, Setting> resolveValues(MergedSettings merged, SecretResolver resolver) {
      Set<ConfigKey> handled =
          EnumSet.of(ConfigKey.CONFIG, ConfigKey.SECRETS_DIR, ConfigKey.ENABLED);
      Map<ConfigKey, Setting> values = new EnumMap<>(ConfigKey.class);
      merged.values().forEach((key, setting) -> {
        if (handled.contains(key)) {
          return;
        }
        try {
          String value = resolver.resolve(setting.value());
          if (!value.isBlank()) {
            // Secrets are kept byte for byte; other values lose stray whitespace.
            values.put(key, new Setting(key.secret() ? value : value.trim(), setting.source()));
          }
        } catch (ConfigException e) {
          unusable.add(key);
          diagnostics.error(key, setting.source(), setting.value(), e.reason(), e.fix());
        }
      });
      return values;
    }

    /** DATABRICKS_TOKEN is Databricks' own name for the token, so it only counts there. */
    private void addDatabricksToken(Map<ConfigKey, Setting> values) {
      Setting uri = values.get(ConfigKey.TRACKING_URI);
      String token = environment.get(EnvironmentReader.DATABRICKS_TOKEN);
      if (uri != null && TrackingUris.isDatabricks(uri.value()) && token != null
          && !token.isBlank() && !values.containsKey(ConfigKey.TRACKING_TOKEN)
          && !unusable.contains(ConfigKey.TRACKING_TOKEN)) {
        values.put(ConfigKey.TRACKING_TOKEN,
            new Setting(token, ConfigSource.environment(EnvironmentReader.DATABRICKS_TOKEN)));
      }
    }

    /** Parses {@code setting} according to its key's kind and records it in the builder. */
    private void convert(ConfigKey key, Setting setting) {
      String text = setting.value();
      try {
        Object value = switch (key.kind()) {
          case BOOLEAN -> ValueParser.parseBoolean(text);
          case INT, LONG -> ValueParser.parseWholeNumber(key, text);
          case PATH -> paths.resolve(text).toString();
          case STRING, TAGS -> text;
        };
        builder.set(key, value, setting.source());
      } catch (ConfigException e) {
        unusable.add(key);
        diagnostics.error(key, setting.source(), text, e.reason(), e.fix());
      }
    }

    private void resolveTags(MergedSettings merged, SecretResolver resolver) {
      if (merged.tagsSource() != null) {
        builder.tagsSource(merged.tagsSource());
      }
      merged.tags().forEach((name, setting) -> {
        try {
          builder.tag(name, resolver.resolve(setting.value()), setting.source());
        } catch (ConfigException e) {
          diagnostics.error(ConfigProblem.of("tags." + name, setting.source(), setting.value(),
              e.reason(), e.fix()));
        }
      });
    }
  }
}
