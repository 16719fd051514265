package dev.autolog.core.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Immutable, validated configuration of the agent. Obtain one from {@link ConfigLoader}, or use
 * {@link #defaults()}. String settings that are not set return null; see {@link ConfigKey} for
 * what each setting means and its default.
 *
 * <p>{@link #toString()} and {@link #describeDestination()} never contain a secret, so both are
 * safe to print.
 */
public final class AutologConfig {

  private static final String DEFAULT_DESTINATION = "./mlruns (local file store)";
  private static final String TAG_SOURCE_PREFIX = "tags.";

  private final boolean enabled;
  private final String trackingUri;
  private final String trackingUsername;
  private final String trackingPassword;
  private final String trackingToken;
  private final boolean trackingInsecureTls;
  private final String trackingServerCertPath;
  private final String trackingClientCertPath;
  private final String databricksHost;
  private final String experimentName;
  private final String runName;
  private final boolean nested;
  private final Map<String, String> tags;
  private final boolean logModels;
  private final int logEveryNIterations;
  private final String runInfoFile;
  private final boolean runPerCall;
  private final boolean dl4jEnabled;
  private final boolean tribuoEnabled;
  private final boolean tribuoLogOnnx;
  private final long flushTimeoutMillis;
  private final long finishGraceMillis;
  private final int queueCapacity;
  private final String journalDir;
  private final long journalMaxMb;
  private final long requestTimeoutMillis;
  private final Map<String, String> sources;

  private AutologConfig(Builder builder) {
    this.enabled = builder.bool(ConfigKey.ENABLED);
    this.trackingUri = builder.string(ConfigKey.TRACKING_URI);
    this.trackingUsername = builder.string(ConfigKey.TRACKING_USERNAME);
    this.trackingPassword = builder.string(ConfigKey.TRACKING_PASSWORD);
    this.trackingToken = builder.string(ConfigKey.TRACKING_TOKEN);
    this.trackingInsecureTls = builder.bool(ConfigKey.TRACKING_INSECURE_TLS);
    this.trackingServerCertPath = builder.string(ConfigKey.TRACKING_SERVER_CERT_PATH);
    this.trackingClientCertPath = builder.string(ConfigKey.TRACKING_CLIENT_CERT_PATH);
    this.databricksHost = builder.string(ConfigKey.DATABRICKS_HOST);
    this.experimentName = builder.string(ConfigKey.EXPERIMENT_NAME);
    this.runName = builder.string(ConfigKey.RUN_NAME);
    this.nested = builder.bool(ConfigKey.NESTED);
    this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(builder.tags));
    this.logModels = builder.bool(ConfigKey.LOG_MODELS);
    this.logEveryNIterations = (int) builder.number(ConfigKey.LOG_EVERY_N_ITERATIONS);
    this.runInfoFile = builder.string(ConfigKey.RUN_INFO_FILE);
    this.runPerCall = builder.bool(ConfigKey.RUN_PER_CALL);
    this.dl4jEnabled = builder.bool(ConfigKey.DL4J_ENABLED);
    this.tribuoEnabled = builder.bool(ConfigKey.TRIBUO_ENABLED);
    this.tribuoLogOnnx = builder.bool(ConfigKey.TRIBUO_LOG_ONNX);
    this.flushTimeoutMillis = builder.number(ConfigKey.FLUSH_TIMEOUT_MS);
    this.finishGraceMillis = builder.number(ConfigKey.FINISH_GRACE_MS);
    this.queueCapacity = (int) builder.number(ConfigKey.QUEUE_CAPACITY);
    this.journalDir = builder.string(ConfigKey.JOURNAL_DIR);
    this.journalMaxMb = builder.number(ConfigKey.JOURNAL_MAX_MB);
    this.requestTimeoutMillis = builder.number(ConfigKey.REQUEST_TIMEOUT_MS);
    this.sources = Map.copyOf(builder.sources);
  }

  /** Returns a configuration with every setting at its default; autologging is enabled. */
  public static AutologConfig defaults() {
    return new Builder().build();
  }

  /** Returns the default configuration switched off, remembering who switched it off. */
  static AutologConfig disabled(ConfigSource source) {
    return new Builder().set(ConfigKey.ENABLED, false, source).build();
  }

  /** Returns false when autologging is switched off, by {@code enabled=false} or by errors. */
  public boolean enabled() {
    return enabled;
  }

  /** Returns the tracking URI as configured, or null for the local file store {@code ./mlruns}. */
  public String trackingUri() {
    return trackingUri;
  }

  /** Returns the HTTP Basic user name, or null. */
  public String trackingUsername() {
    return trackingUsername;
  }

  /** Returns the resolved HTTP Basic password, or null. Never print it. */
  public String trackingPassword() {
    return trackingPassword;
  }

  /** Returns the resolved bearer token, or null. Never print it. */
  public String trackingToken() {
    return trackingToken;
  }

  /** Returns true if TLS certificates of the tracking server are not verified. */
  public boolean trackingInsecureTls() {
    return trackingInsecureTls;
  }

  /** Returns the absolute path of the CA bundle for the tracking server, or null. */
  public String trackingServerCertPath() {
    return trackingServerCertPath;
  }

  /** Returns the absolute path of the client certificate PEM (certificate and key), or null. */
  public String trackingClientCertPath() {
    return trackingClientCertPath;
  }

  /** Returns the Databricks workspace URL, or null. */
  public String databricksHost() {
    return databricksHost;
  }

  /** Returns the experiment name, or null for MLflow's "Default" experiment. */
  public String experimentName() {
    return experimentName;
  }

  /** Returns the run name, or null to let MLflow choose. */
  public String runName() {
    return runName;
  }

  /** Returns true if model runs are children of one parent run. */
  public boolean nested() {
    return nested;
  }

  /** Returns the extra run tags; unmodifiable, in insertion order, never null. */
  public Map<String, String> tags() {
    return tags;
  }

  /** Returns true if trained models are saved as run artifacts. */
  public boolean logModels() {
    return logModels;
  }

  /** Returns n, at least 1: training metrics are logged every n iterations. */
  public int logEveryNIterations() {
    return logEveryNIterations;
  }

  /** Returns the absolute path of the run info file, or null. */
  public String runInfoFile() {
    return runInfoFile;
  }

  /** Returns true if every training call gets its own run. */
  public boolean runPerCall() {
    return runPerCall;
  }

  /** Returns true if Deeplearning4j training is autologged. */
  public boolean dl4jEnabled() {
    return dl4jEnabled;
  }

  /** Returns true if Tribuo training is autologged. */
  public boolean tribuoEnabled() {
    return tribuoEnabled;
  }

  /**
   * Returns true if a saved Tribuo model is also exported to ONNX when it supports it. Off by
   * default: the export takes about as long as saving the model in Tribuo's own format.
   */
  public boolean tribuoLogOnnx() {
    return tribuoLogOnnx;
  }

  /** Returns how long to wait for buffered data to be sent at shutdown, in milliseconds. */
  public long flushTimeoutMillis() {
    return flushTimeoutMillis;
  }

  /** Returns how long a run stays RUNNING after a training call returns, in milliseconds. */
  public long finishGraceMillis() {
    return finishGraceMillis;
  }

  /** Returns the maximum number of metric points buffered in memory. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Returns the journal directory, with a leading {@code ~} expanded to the user's home. */
  public String journalDir() {
    if (journalDir != null && (journalDir.equals("~") || journalDir.startsWith("~/"))) {
      return System.getProperty("user.home", ".") + journalDir.substring(1);
    }
    return journalDir;
  }

  /** Returns the most bytes one process may journal. */
  public long journalMaxBytes() {
    return journalMaxMb << 20;
  }

  /** Returns how long one request to an MLflow server may take, in milliseconds. */
  public long requestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /**
   * Returns the description of the source that supplied {@code key} (a canonical name such as
   * {@code tracking_uri}, or {@code tags.<name>} for one tag), or {@code "default"} if none did.
   * For {@code tags} it is the highest source that supplied any tag.
   */
  public String sourceOf(String key) {
    if (key == null) {
      return ConfigSource.DEFAULT.description();
    }
    ConfigKey known = ConfigKey.byName(key);
    String name = known == null ? key.trim() : known.key();
    return sources.getOrDefault(name, ConfigSource.DEFAULT.description());
  }

  /**
   * Returns where runs are written, safe to print: the tracking URI without user info,
   * {@code "./mlruns (local file store)"} when unset, and the workspace for Databricks.
   */
  public String describeDestination() {
    if (trackingUri == null) {
      return DEFAULT_DESTINATION;
    }
    String destination = Secrets.stripUserInfo(trackingUri);
    if (TrackingUris.isDatabricks(trackingUri) && databricksHost != null) {
      destination += " (" + Secrets.stripUserInfo(databricksHost) + ")";
    }
    return destination;
  }

  /** Returns every setting as {@code name=value}, with secrets shown as {@code ****}. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "AutologConfig{", "}");
    out.add("enabled=" + enabled);
    out.add("tracking_uri=" + Secrets.stripUserInfo(trackingUri));
    out.add("tracking_username=" + trackingUsername);
    out.add("tracking_password="
        + Secrets.mask(ConfigKey.TRACKING_PASSWORD.key(), trackingPassword));
    out.add("tracking_token=" + Secrets.mask(ConfigKey.TRACKING_TOKEN.key(), trackingToken));
    out.add("tracking_insecure_tls=" + trackingInsecureTls);
    out.add("tracking_server_cert_path=" + trackingServerCertPath);
    out.add("tracking_client_cert_path=" + trackingClientCertPath);
    out.add("databricks_host=" + Secrets.stripUserInfo(databricksHost));
    out.add("experiment_name=" + experimentName);
    out.add("run_name=" + runName);
    out.add("nested=" + nested);
    StringJoiner tagText = new StringJoiner(", ", "{", "}");
    tags.forEach((name, value) ->
        tagText.add(name + "=" + Secrets.display(TAG_SOURCE_PREFIX + name, value)));
    out.add("tags=" + tagText);
    out.add("log_models=" + logModels);
    out.add("log_every_n_iterations=" + logEveryNIterations);
    out.add("run_info_file=" + runInfoFile);
    out.add("run_per_call=" + runPerCall);
    out.add("dl4j.enabled=" + dl4jEnabled);
    out.add("tribuo.enabled=" + tribuoEnabled);
    out.add("tribuo.log_onnx=" + tribuoLogOnnx);
    out.add("flush_timeout_ms=" + flushTimeoutMillis);
    out.add("finish_grace_ms=" + finishGraceMillis);
    out.add("queue_capacity=" + queueCapacity);
    out.add("journal_dir=" + journalDir);
    out.add("journal_max_mb=" + journalMaxMb);
    out.add("request_timeout_ms=" + requestTimeoutMillis);
    return out.toString();
  }

  /**
   * Collects typed values and their sources during loading. Starts from the defaults declared in
   * {@link ConfigKey}, so a default is written down in exactly one place.
   */
  static final class Builder {

    private final Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    Builder() {
      for (ConfigKey key : ConfigKey.values()) {
        String text = key.defaultValue();
        if (text == null) {
          continue;
        }
        switch (key.kind()) {
          case BOOLEAN -> values.put(key, Boolean.parseBoolean(text));
          case INT, LONG -> values.put(key, Long.parseLong(text));
          default -> values.put(key, text);
        }
      }
    }

    /** Sets {@code key} to {@code value}: a String, Boolean or Long according to its kind. */
    Builder set(ConfigKey key, Object value, ConfigSource source) {
      values.put(key, value);
      sources.put(key.key(), source.description());
      return this;
    }

    Builder tag(String name, String value, ConfigSource source) {
      tags.put(name, value);
      sources.put(TAG_SOURCE_PREFIX + name, source.description());
      return this;
    }

    /** Records the highest source that supplied any tag, reported as the source of "tags". */
    Builder tagsSource(ConfigSource source) {
      sources.put(ConfigKey.TAGS.key(), source.description());
      return this;
    }

    Object get(ConfigKey key) {
      return values.get(key);
    }

    String string(ConfigKey key) {
      return (String) values.get(key);
    }

    boolean bool(ConfigKey key) {
      return (Boolean) values.get(key);
    }

    long number(ConfigKey key) {
      return (Long) values.get(key);
    }

    /** Returns the source of {@code key}'s value, {@link ConfigSource#DEFAULT} if unset. */
    ConfigSource source(ConfigKey key) {
      String description = sources.get(key.key());
      return description == null ? ConfigSource.DEFAULT : new ConfigSource(description);
    }

    AutologConfig build() {
      return new AutologConfig(this);
    }
  }
}
