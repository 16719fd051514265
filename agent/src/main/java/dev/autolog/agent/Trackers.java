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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Chooses the tracker a tracking_uri names. The choice (and any complaint about it) is made at
 * start-up; the tracker itself is made when the first run needs it, since a file store's set-up
 * (secure random numbers, directories) costs start-up time a job that never trains should not pay.
 */
final class Trackers {
  private Trackers() {}

  /**
   * What makes the tracker for {@code config}, or null (after one stderr line) when it cannot be
   * served.
   */
  static Supplier<Tracker> resolve(AutologConfig config) {
    String uri = config.trackingUri();
    if (uri == null || uri.isBlank()) {
      Path store = Path.of(System.getProperty("user.dir", "."), "mlruns");
      return () -> new FileStoreTracker(store);
    }
    if (uri.startsWith("file:")) {
      Path store = Path.of(URI.create(uri));
      return () -> new FileStoreTracker(store);
    }
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      String display = Secrets.stripUserInfo(uri).replaceAll("/+$", "");
      Credentials credentials = credentials(config, uri);
      return () -> new LazyTracker("MLflow server " + display, () -> new RestTracker(display, display, credentials,
          config.trackingServerCertPath(), config.trackingClientCertPath(), config.trackingInsecureTls(), false,
          RetryPolicy.DEFAULT, config.requestTimeoutMillis()));
    }
    if (uri.equals("databricks") || uri.startsWith("databricks://")) {
      return databricks(config, uri);
    }
    Path store = Path.of(uri);
    return () -> new FileStoreTracker(store);
  }

  /**
   * The credentials for an http(s) tracking URI. User info in the URI ({@code http://user:pw@host}) is sent as HTTP
   * Basic, as MLflow's Python client does through requests, where it also wins over the settings; it is never part
   * of the URL the agent requests or prints. Everything between the scheme and the last {@code @} counts as user
   * info, as in {@link Secrets#stripUserInfo}, and is split at its first {@code :} and percent-decoded.
   */
  static Credentials credentials(AutologConfig config, String uri) {
    int start = uri.indexOf("://") + 3;
    int at = uri.lastIndexOf('@');
    if (at > start) {
      String userInfo = uri.substring(start, at);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      String password = colon < 0 ? "" : userInfo.substring(colon + 1);
      if (!user.isEmpty()) {
        return Credentials.fromUserInfo(percentDecoded(user), percentDecoded(password));
      }
    }
    return Credentials.of(config.trackingUsername(), config.trackingPassword(), config.trackingToken());
  }

  private static String percentDecoded(String text) {
    try {
      // URLDecoder is for forms: protect '+', which is a literal plus in a URI.
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // A stray '%': take the text as written.
    }
  }

  private static Supplier<Tracker> databricks(AutologConfig config, String uri) {
    String profileName = uri.startsWith("databricks://") ? uri.substring("databricks://".length()) : null;
    DatabricksProfile profile = DatabricksProfile.read(profileName, System.getenv(),
        Path.of(System.getProperty("user.home", ".")));
    String host = config.databricksHost() != null ? config.databricksHost() : profile.host();
    String token = config.trackingToken() != null ? config.trackingToken() : profile.token();
    if (host == null || token == null) {
      boolean both = host == null && token == null;
      String what = both ? "a workspace host and a personal access token"
          : host == null ? "a workspace host" : "a personal access token";
      String settings = (host == null ? "databricks_host (or DATABRICKS_HOST)" : "") + (both ? " and " : "")
          + (token == null ? "tracking_token (or DATABRICKS_TOKEN)" : "");
      String lines = (host == null ? "host = ..." : "") + (both ? " and " : "") + (token == null ? "token = ..." : "");
      String profileFile = System.getenv("DATABRICKS_CONFIG_FILE") != null ? System.getenv("DATABRICKS_CONFIG_FILE")
          : Path.of(System.getProperty("user.home", "."), ".databrickscfg").toString();
      AgentLog.error("invalid setting tracking_uri (" + config.sourceOf("tracking_uri") + ") = \"" + uri
          + "\": Databricks needs " + what + (both ? " and found neither" : " and found none") + "; set " + settings
          + ", or add " + lines + " to the ["
          + (profileName == null ? "DEFAULT" : profileName) + "] profile in " + profileFile, null);
      AgentLog.info("autologging is off because of the invalid setting above; the job runs without it");
      return null;
    }
    String base = (host.startsWith("http") ? host : "https://" + host).replaceAll("/+$", "");
    String display = Secrets.stripUserInfo(base);
    return () -> new LazyTracker("Databricks MLflow " + display, () -> new RestTracker(base, display,
        Credentials.of(null, null, token), config.trackingServerCertPath(), config.trackingClientCertPath(),
        config.trackingInsecureTls(), true, RetryPolicy.DEFAULT, config.requestTimeoutMillis()));
  }

  /** The tracker for {@code config}, made now, or null (after one stderr line) when it cannot be served. */
  static Tracker create(AutologConfig config) {
    Supplier<Tracker> tracker = resolve(config);
    return tracker == null ? null : tracker.get();
  }

  /** Says, once per process, that TLS verification is off; a tracker is never made insecure silently. */
  static void warnIfInsecure(AutologConfig config) {
    if (config.trackingInsecureTls() && config.trackingUri() != null && !config.trackingUri().startsWith("file:")) {
      AgentLog.warn("TLS certificate verification is OFF for the tracking server (tracking_insecure_tls=true, from "
          + config.sourceOf("tracking_insecure_tls") + "); anyone on the network path can read and alter what is sent");
    }
  }
}
