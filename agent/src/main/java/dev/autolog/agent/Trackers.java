package dev.autolog.agent;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.config.Secrets;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.LazyTracker;
import dev.autolog.core.tracking.Tracker;
import dev.autolog.core.tracking.rest.Credentials;
import dev.autolog.core.tracking.rest.DatabricksProfile;
import dev.autolog.core.tracking.rest.RestTracker;
import dev.autolog.core.tracking.rest.RetryPolicy;
import java.net.URI;
import java.nio.file.Path;

/** Chooses the tracker a tracking_uri names. */
final class Trackers {
  private Trackers() {}

  /** The tracker for {@code config}, or null (after one stderr line) when it cannot be served. */
  static Tracker create(AutologConfig config) {
    String uri = config.trackingUri();
    if (uri == null || uri.isBlank()) {
      return new FileStoreTracker(Path.of(System.getProperty("user.dir", "."), "mlruns"));
    }
    if (uri.startsWith("file:")) {
      return new FileStoreTracker(Path.of(URI.create(uri)));
    }
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      String display = Secrets.stripUserInfo(uri).replaceAll("/+$", "");
      Credentials credentials = Credentials.of(config.trackingUsername(), config.trackingPassword(),
          config.trackingToken());
      return new LazyTracker("MLflow server " + display, () -> new RestTracker(display, display, credentials,
          config.trackingServerCertPath(), config.trackingClientCertPath(), config.trackingInsecureTls(), false,
          RetryPolicy.DEFAULT, config.requestTimeoutMillis()));
    }
    if (uri.equals("databricks") || uri.startsWith("databricks://")) {
      return databricks(config, uri);
    }
    return new FileStoreTracker(Path.of(uri));
  }

  private static Tracker databricks(AutologConfig config, String uri) {
    String profileName = uri.startsWith("databricks://") ? uri.substring("databricks://".length()) : null;
    DatabricksProfile profile = DatabricksProfile.read(profileName, System.getenv(),
        Path.of(System.getProperty("user.home", ".")));
    String host = config.databricksHost() != null ? config.databricksHost() : profile.host();
    String token = config.trackingToken() != null ? config.trackingToken() : profile.token();
    if (host == null || token == null) {
      AgentLog.error("invalid setting tracking_uri (" + config.sourceOf("tracking_uri") + ") = \"" + uri
          + "\": Databricks needs a workspace host and a token; set databricks_host (or DATABRICKS_HOST) and"
          + " tracking_token (or DATABRICKS_TOKEN), or add host and token to the profile in ~/.databrickscfg", null);
      AgentLog.info("autologging is off because of the invalid setting above; the job runs without it");
      return null;
    }
    String base = (host.startsWith("http") ? host : "https://" + host).replaceAll("/+$", "");
    String display = Secrets.stripUserInfo(base);
    return new LazyTracker("Databricks MLflow " + display, () -> new RestTracker(base, display,
        Credentials.of(null, null, token), config.trackingServerCertPath(), config.trackingClientCertPath(),
        config.trackingInsecureTls(), true, RetryPolicy.DEFAULT, config.requestTimeoutMillis()));
  }

  /** Says, once per process, that TLS verification is off; a tracker is never made insecure silently. */
  static void warnIfInsecure(AutologConfig config) {
    if (config.trackingInsecureTls() && config.trackingUri() != null && !config.trackingUri().startsWith("file:")) {
      AgentLog.warn("TLS certificate verification is OFF for the tracking server (tracking_insecure_tls=true, from "
          + config.sourceOf("tracking_insecure_tls") + "); anyone on the network path can read and alter what is sent");
    }
  }
}
