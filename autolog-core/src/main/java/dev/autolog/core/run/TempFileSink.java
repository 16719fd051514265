package dev.autolog.core.run;

import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Collects a finisher's files as temporary artifacts of one run, which the logger then owns. */
final class TempFileSink implements ArtifactSink {
  private final AsyncLogger logger;
  private final RunHandle handle;

  TempFileSink(AsyncLogger logger, RunHandle handle) {
    this.logger = logger;
    this.handle = handle;
  }

  @Override
  public String runId() {
    RunInfo info = handle.info();
    return info == null ? null : info.runId();
  }

  @Override
  public Path newTempDir() throws IOException {
    return Files.createTempDirectory("autolog-");
  }

  @Override
  public void addFile(String artifactPath, Path file) {
    logger.logArtifact(handle, artifactPath, file, true);
  }

  @Override
  public void addModel(ModelArtifact model) {
    logger.logModel(handle, model);
  }

  @Override
  public void addText(String artifactPath, String text) throws IOException {
    Path tmp = Files.createTempFile("autolog-", ".txt");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    addFile(artifactPath, tmp);
  }
}
