package dev.autolog.core.config;

import java.util.Locale;

/**
 * Every documented setting: its canonical name, default, whether it holds a secret, and a
 * one-line description. The README table and the "did you mean" hint for unknown keys are
 * generated from this list, so it is the single place a new setting has to be declared.
 *
 * <p>A setting named {@code dl4j.enabled} is spelled {@code dl4j.enabled} in the agent argument
 * and YAML, {@code -Dautolog.dl4j.enabled} as a system property and {@code AUTOLOG_DL4J_ENABLED}
 * in the environment.
 */
public enum ConfigKey {
  TRACKING_URI("tracking_uri", Kind.STRING, null, false,
      "MLflow tracking URI: a file path or file: URI, http(s)://host[:port], databricks or"
          + " databricks://<profile>; unset means the local file store ./mlruns"),
  TRACKING_USERNAME("tracking_username", Kind.STRING, null, false,
      "HTTP Basic user name for the tracking server; needs tracking_password"),
  TRACKING_PASSWORD("tracking_password", Kind.STRING, null, true,
      "HTTP Basic password for the tracking server; needs tracking_username"),
  TRACKING_TOKEN("tracking_token", Kind.STRING, null, true,
      "bearer token for the tracking server, used when no username and password are set"),
  TRACKING_INSECURE_TLS("tracking_insecure_tls", Kind.BOOLEAN, "false", false,
      "skip TLS certificate verification; cannot be combined with tracking_server_cert_path"),
  TRACKING_SERVER_CERT_PATH("tracking_server_cert_path", Kind.PATH, null, false,
      "PEM file with the CA certificates that verify the tracking server"),
  TRACKING_CLIENT_CERT_PATH("tracking_client_cert_path", Kind.PATH, null, false,
      "PEM file with a client certificate and its PKCS#8 private key, for servers that require one"),
  DATABRICKS_HOST("databricks_host", Kind.STRING, null, false,
      "Databricks workspace URL, needed when tracking_uri is databricks"),
  EXPERIMENT_NAME("experiment_name", Kind.STRING, null, false,
      "MLflow experiment to log to, created when missing; unset means MLflow's Default"),
  RUN_NAME("run_name", Kind.STRING, null, false,
      "name of the run (later runs get -2, -3, ...); unset names each run after its model class,"
          + " e.g. MultiLayerNetwork-1"),
  NESTED("nested", Kind.BOOLEAN, "false", false,
      "log each model's run as a child of one parent run"),
  TAGS("tags", Kind.TAGS, null, false,
      "extra run tags: name:value pairs separated by ';' (a map in YAML), or tags.<name>=value"),
  ENABLED("enabled", Kind.BOOLEAN, "true", false,
      "master switch; false turns the agent off"),
  LOG_MODELS("log_models", Kind.BOOLEAN, "true", false,
      "save each trained model as a run artifact"),
  LOG_EVERY_N_ITERATIONS("log_every_n_iterations", Kind.INT, "1", false,
      "log training metrics every n iterations (at least 1)", 1),
  RUN_INFO_FILE("run_info_file", Kind.PATH, null, false,
      "file the agent writes the ids and links of its runs to"),
  RUN_PER_CALL("run_per_call", Kind.BOOLEAN, "false", false,
      "start a new run for every training call instead of one run per model"),
  DL4J_ENABLED("dl4j.enabled", Kind.BOOLEAN, "true", false,
      "autolog Deeplearning4j training"),
  TRIBUO_ENABLED("tribuo.enabled", Kind.BOOLEAN, "true", false,
      "autolog Tribuo training"),
  TRIBUO_LOG_ONNX("tribuo.log_onnx", Kind.BOOLEAN, "false", false,
      "with log_models, also export Tribuo models that support it to ONNX (model/model.onnx)"),
  SECRETS_DIR("secrets_dir", Kind.PATH, "~/.autolog/secrets", false,
      "directory of <name>.properties files that {{name.key}} secret references read"),
  FLUSH_TIMEOUT_MS("flush_timeout_ms", Kind.LONG, "10000", false,
      "how long, in milliseconds, the JVM's exit waits at most for buffered data to reach MLflow"
          + " (training calls never wait)", 0),
  FINISH_GRACE_MS("finish_grace_ms", Kind.LONG, "2000", false,
      "how long, in milliseconds, a model's run stays RUNNING after a training call returns"
          + " before it is marked FINISHED", 0),
  QUEUE_CAPACITY("queue_capacity", Kind.INT, "100000", false,
      "maximum events (mostly metric points) waiting in memory for the worker (at least 1000); beyond it"
          + " they spill to memory-mapped files in journal_dir", 1000),
  JOURNAL_DIR("journal_dir", Kind.PATH, "~/.autolog/journal", false,
      "directory where data waits (owner-only) while the tracker cannot take it; the next start of"
          + " the agent and 'java -jar autolog-agent.jar sync' deliver it"),
  JOURNAL_MAX_MB("journal_max_mb", Kind.LONG, "1024", false,
      "most megabytes one process journals; past it, data the tracker cannot take is lost and"
          + " counted", 1),
  REQUEST_TIMEOUT_MS("request_timeout_ms", Kind.LONG, "30000", false,
      "how long, in milliseconds, one request to an MLflow server may stall before its data goes to"
          + " the journal", 100),
  CONFIG("config", Kind.PATH, null, false,
      "path of the YAML config file (agent argument, -D or environment only);"
          + " default ./autolog.yaml when present");

  /** How a setting's text is interpreted. Package-private: only the loader needs it. */
  enum Kind { STRING, BOOLEAN, INT, LONG, PATH, TAGS }

  private static final String SYSTEM_PROPERTY_PREFIX = "autolog.";
  private static final String ENVIRONMENT_PREFIX = "AUTOLOG_";

  private final String key;
  private final Kind kind;
  private final String defaultValue;
  private final boolean secret;
  private final String description;
  private final long minimum;

  ConfigKey(String key, Kind kind, String defaultValue, boolean secret, String description) {
    this(key, kind, defaultValue, secret, description, Long.MIN_VALUE);
  }

  ConfigKey(String key, Kind kind, String defaultValue, boolean secret, String description,
      long minimum) {
    this.key = key;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.secret = secret;
    this.description = description;
    this.minimum = minimum;
  }

  /** Returns the canonical snake_case name, e.g. {@code tracking_uri} or {@code dl4j.enabled}. */
  public String key() {
    return key;
  }

  /** Returns true if the value must never be printed; messages show {@code ****} instead. */
  public boolean secret() {
    return secret;
  }

  /** Returns the default as written in the docs, or null when the setting is unset by default. */
  public String defaultValue() {
    return defaultValue;
  }

  /** Returns a one-line description for the README. */
  public String description() {
    return description;
  }

  /** Returns the system property name, e.g. {@code autolog.dl4j.enabled}. */
  public String systemProperty() {
    return SYSTEM_PROPERTY_PREFIX + key;
  }

  /** Returns the environment variable name, e.g. {@code AUTOLOG_DL4J_ENABLED}. */
  public String environmentVariable() {
    return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  Kind kind() {
    return kind;
  }

  /** The smallest accepted value of a numeric setting. */
  long minimum() {
    return minimum;
  }

  /**
   * Returns the key whose canonical name is {@code name} (ignoring case and surrounding
   * whitespace), or null if there is none. Per-tag names such as {@code tags.team} are not keys.
   */
  public static ConfigKey byName(String name) {
    if (name == null) {
      return null;
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (ConfigKey candidate : values()) {
      if (candidate.key.equals(wanted)) {
        return candidate;
      }
    }
    return null;
  }

  static String systemPropertyPrefix() {
    return SYSTEM_PROPERTY_PREFIX;
  }

  static String environmentPrefix() {
    return ENVIRONMENT_PREFIX;
  }
}
