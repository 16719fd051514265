package dev.autolog.core.run;

import java.io.IOException;
import java.nio.file.Path;

/** Where a {@link RunFinisher} puts files; they are copied into the run's artifacts. */
public interface ArtifactSink {
  /** The tracker's id of the run the artifacts belong to. */
  String runId();

  /** A fresh private temporary directory for building files; deleted files are the caller's business. */
  Path newTempDir() throws IOException;

  /** Records {@code file} as artifact {@code artifactPath}; the file is deleted once copied. */
  void addFile(String artifactPath, Path file);

  /** Records a trained model; its files are deleted once recorded. */
  void addModel(dev.autolog.core.tracking.ModelArtifact model);

  /** Records {@code text} (UTF-8) as artifact {@code artifactPath}. */
  void addText(String artifactPath, String text) throws IOException;
}
