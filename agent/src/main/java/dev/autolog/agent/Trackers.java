package dev.autolog.agent;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.config.Secrets;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.Tracker;
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
    if (uri.startsWith("http://") || uri.startsWith("https://") || uri.startsWith("databricks")) {
      AgentLog.error("invalid setting tracking_uri (" + config.sourceOf("tracking_uri") + ") = \""
          + Secrets.stripUserInfo(uri) + "\": remote MLflow servers are not supported by this agent version yet;"
          + " unset tracking_uri or point it at a directory to log into a local MLflow file store", null);
      AgentLog.info("autologging is off because of the invalid setting above; the job runs without it");
      return null;
    }
    return new FileStoreTracker(Path.of(uri));
  }
}
