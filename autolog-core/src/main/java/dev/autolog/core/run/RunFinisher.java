package dev.autolog.core.run;

/**
 * Work an integration wants done when its run finishes, such as saving the trained model. Runs on
 * the logger's worker thread, never on a training thread.
 */
@FunctionalInterface
public interface RunFinisher {
  /** Writes end-of-run artifacts through {@code sink}. */
  void finish(ArtifactSink sink) throws Exception;
}
