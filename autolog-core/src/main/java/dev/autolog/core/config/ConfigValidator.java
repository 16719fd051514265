package dev.autolog.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Rules that involve more than one setting's text: credentials come in pairs, the tracking URI
 * has a form we can write to, Databricks has a host, and TLS options do not contradict each
 * other. These mirror the checks of ZenML's MLflow experiment tracker and of MLflow itself.
 */
final class ConfigValidator {

  private ConfigValidator() {}

  /**
   * Reports every rule {@code config} breaks.
   *
   * @param unusable settings whose value already failed to resolve or parse; rules involving
   *     them are skipped, since they would only report a consequence of that first error
   */
  static void validate(AutologConfig.Builder config, Set<ConfigKey> unusable,
      Map<String, String> environment, PathResolver paths, Diagnostics diagnostics) {
    if (!unusable.contains(ConfigKey.TRACKING_USERNAME)
        && !unusable.contains(ConfigKey.TRACKING_PASSWORD)) {
      checkCredentials(config, diagnostics);
    }
    checkTrackingUri(config, !unusable.contains(ConfigKey.DATABRICKS_HOST), environment, paths,
        diagnostics);
    checkTls(config, !unusable.contains(ConfigKey.TRACKING_INSECURE_TLS), diagnostics);
    checkRunInfoFile(config, diagnostics);
    checkJournalDir(config, diagnostics);
  }

  /** The journal is a directory of files; a file at that path would make every outage lose data. */
  private static void checkJournalDir(AutologConfig.Builder config, Diagnostics diagnostics) {
    String dir = config.string(ConfigKey.JOURNAL_DIR);
    if (dir != null && Files.exists(Path.of(dir)) && !Files.isDirectory(Path.of(dir))) {
      diagnostics.error(ConfigKey.JOURNAL_DIR, config.source(ConfigKey.JOURNAL_DIR), dir,
          "this is a file, not a directory", "name a directory (it is created when missing, readable by you only)");
    }
  }

  /** The run info file is replaced whole after each run, so it must not be a directory. */
  private static void checkRunInfoFile(AutologConfig.Builder config, Diagnostics diagnostics) {
    String file = config.string(ConfigKey.RUN_INFO_FILE);
    if (file != null && Files.isDirectory(Path.of(file))) {
      diagnostics.error(ConfigKey.RUN_INFO_FILE, config.source(ConfigKey.RUN_INFO_FILE), file,
          "this is a directory, not a file", "name a file, e.g. " + Path.of(file).resolve("run-info.json"));
    }
  }

  private static void checkCredentials(AutologConfig.Builder config, Diagnostics diagnostics) {
    String username = config.string(ConfigKey.TRACKING_USERNAME);
    String password = config.string(ConfigKey.TRACKING_PASSWORD);
    String token = config.string(ConfigKey.TRACKING_TOKEN);
    if (username != null && password == null) {
      diagnostics.error(ConfigKey.TRACKING_USERNAME, config.source(ConfigKey.TRACKING_USERNAME),
          username, "a username needs a password",
          "set tracking_password (or MLFLOW_TRACKING_PASSWORD) or use tracking_token instead");
    }
    if (password != null && username == null) {
      diagnostics.error(ConfigKey.TRACKING_PASSWORD, config.source(ConfigKey.TRACKING_PASSWORD),
          password, "a password needs a username",
          "set tracking_username (or MLFLOW_TRACKING_USERNAME)");
    }
    if (token != null && username != null && password != null) {
      diagnostics.warn("tracking_token (" + config.source(ConfigKey.TRACKING_TOKEN)
          + ") is ignored because tracking_username and tracking_password are set too;"
          + " as in MLflow, HTTP Basic authentication wins. Unset one of them to silence this");
    }
  }

  private static void checkTrackingUri(AutologConfig.Builder config, boolean checkHost,
      Map<String, String> environment, PathResolver paths, Diagnostics diagnostics) {
    String uri = config.string(ConfigKey.TRACKING_URI);
    if (uri == null) {
      return;
    }
    ConfigSource source = config.source(ConfigKey.TRACKING_URI);
    try {
      TrackingUris.check(uri);
    } catch (ConfigException e) {
      diagnostics.error(ConfigKey.TRACKING_URI, source, uri, e.reason(), e.fix());
      return;
    }
    String host = config.string(ConfigKey.DATABRICKS_HOST);
    if (checkHost && TrackingUris.isDatabricks(uri) && host != null) {
      try {
        TrackingUris.checkDatabricksHost(host);
      } catch (ConfigException e) {
        diagnostics.error(ConfigKey.DATABRICKS_HOST, config.source(ConfigKey.DATABRICKS_HOST), host,
            e.reason(), e.fix());
      }
    }
    if (checkHost && TrackingUris.isDatabricks(uri) && host == null) {
      String profile = TrackingUris.databricksProfile(uri);
      Path profiles = DatabricksProfiles.configFile(environment, paths);
      if (!DatabricksProfiles.hasHost(profiles, profile)) {
        diagnostics.error(ConfigKey.TRACKING_URI, source, uri,
            "Databricks tracking needs the workspace URL",
            "set databricks_host (or DATABRICKS_HOST), or add host = https://... to the ["
                + profile + "] profile in " + profiles);
      }
    }
  }

  private static void checkTls(AutologConfig.Builder config, boolean checkCombination,
      Diagnostics diagnostics) {
    String clientCert = config.string(ConfigKey.TRACKING_CLIENT_CERT_PATH);
    if (clientCert != null && (!Files.isRegularFile(Path.of(clientCert)) || !Files.isReadable(Path.of(clientCert)))) {
      diagnostics.error(ConfigKey.TRACKING_CLIENT_CERT_PATH, config.source(ConfigKey.TRACKING_CLIENT_CERT_PATH),
          clientCert, "the file does not exist or cannot be read",
          "point it at a readable PEM file holding the client certificate and its private key");
    }
    String certPath = config.string(ConfigKey.TRACKING_SERVER_CERT_PATH);
    if (certPath == null) {
      return;
    }
    ConfigSource certSource = config.source(ConfigKey.TRACKING_SERVER_CERT_PATH);
    if (checkCombination && config.bool(ConfigKey.TRACKING_INSECURE_TLS)) {
      diagnostics.error(ConfigKey.TRACKING_INSECURE_TLS,
          config.source(ConfigKey.TRACKING_INSECURE_TLS), "true",
          "cannot be combined with tracking_server_cert_path (" + certSource
              + "); MLflow forbids it too",
          "set tracking_insecure_tls=false or remove tracking_server_cert_path");
    }
    Path file = Path.of(certPath);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      diagnostics.error(ConfigKey.TRACKING_SERVER_CERT_PATH, certSource, certPath,
          "the file does not exist or cannot be read",
          "point it at a readable PEM file of CA certificates");
    }
  }
}
