package dev.autolog.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads settings from environment variables: our own {@code AUTOLOG_<KEY>} names (upper case,
 * dots as underscores) and, as a separate lower-precedence layer, MLflow's standard names.
 */
final class EnvironmentReader {

  /** {@code DATABRICKS_TOKEN} only counts when the tracking URI points at Databricks. */
  static final String DATABRICKS_TOKEN = "DATABRICKS_TOKEN";

  private static final String TAG_PREFIX = "TAGS_";

  private static final Map<String, ConfigKey> MLFLOW_NAMES = Map.of(
      "MLFLOW_TRACKING_URI", ConfigKey.TRACKING_URI,
      "MLFLOW_TRACKING_USERNAME", ConfigKey.TRACKING_USERNAME,
      "MLFLOW_TRACKING_PASSWORD", ConfigKey.TRACKING_PASSWORD,
      "MLFLOW_TRACKING_TOKEN", ConfigKey.TRACKING_TOKEN,
      "MLFLOW_TRACKING_INSECURE_TLS", ConfigKey.TRACKING_INSECURE_TLS,
      "MLFLOW_TRACKING_SERVER_CERT_PATH", ConfigKey.TRACKING_SERVER_CERT_PATH,
      "MLFLOW_TRACKING_CLIENT_CERT_PATH", ConfigKey.TRACKING_CLIENT_CERT_PATH,
      "MLFLOW_EXPERIMENT_NAME", ConfigKey.EXPERIMENT_NAME,
      "DATABRICKS_HOST", ConfigKey.DATABRICKS_HOST);

  private EnvironmentReader() {}

  /**
   * Reads {@code AUTOLOG_*}; {@code AUTOLOG_TAGS_<NAME>} sets the tag {@code <name>}, in lower
   * case.
   */
  static Layer readAutolog(Map<String, String> environment, Diagnostics diagnostics) {
    Layer layer = new Layer();
    String prefix = ConfigKey.environmentPrefix();
    for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
      String name = variable.getKey();
      String value = variable.getValue();
      if (!name.startsWith(prefix) || value == null) {
        continue;
      }
      ConfigSource source = ConfigSource.environment(name);
      String rest = name.substring(prefix.length());
      ConfigKey key = byEnvironmentName(name);
      if (key == ConfigKey.TAGS) {
        layer.putTagList(value, source, diagnostics);
      } else if (key != null) {
        layer.put(key, value, source);
      } else if (rest.startsWith(TAG_PREFIX)) {
        // Environment names carry no case, so the conventional lower-case tag name is used.
        layer.putTag(rest.substring(TAG_PREFIX.length()).toLowerCase(Locale.ROOT), value, source,
            diagnostics);
      } else {
        diagnostics.unknownKey(rest.toLowerCase(Locale.ROOT), source);
      }
    }
    return layer;
  }

  /** Reads MLflow's own names ({@code MLFLOW_TRACKING_URI}, ..., {@code DATABRICKS_HOST}). */
  static Layer readMlflow(Map<String, String> environment) {
    Layer layer = new Layer();
    for (Map.Entry<String, ConfigKey> name : new TreeMap<>(MLFLOW_NAMES).entrySet()) {
      String value = environment.get(name.getKey());
      layer.put(name.getValue(), value, ConfigSource.environment(name.getKey()));
    }
    return layer;
  }

  /** Returns the MLflow-style variable a user may set instead of {@code key}, or null. */
  static String mlflowNameOf(ConfigKey key) {
    for (Map.Entry<String, ConfigKey> name : MLFLOW_NAMES.entrySet()) {
      if (name.getValue() == key) {
        return name.getKey();
      }
    }
    return null;
  }

  private static ConfigKey byEnvironmentName(String name) {
    for (ConfigKey key : ConfigKey.values()) {
      if (key.environmentVariable().equals(name)) {
        return key;
      }
    }
    return null;
  }
}
