package dev.autolog.core.tracking;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

/**
 * A trained model to record as an MLflow Model: its data files and its flavors. The tracker writes
 * the {@code MLmodel} file itself, because what it holds (run id, model id, artifact location)
 * depends on where the model goes.
 *
 * @param artifactPath where the model goes inside the run's artifacts, e.g. {@code model}
 * @param files the model's files by their path relative to the model directory
 * @param flavors flavor name to flavor fields, e.g. {@code dl4j -> {data: model.zip, ...}}
 * @param modelUuid 32 hex digits identifying this model
 * @param utcTimeCreated creation time as Python's {@code str(datetime.utcnow())} writes it
 */
public record ModelArtifact(
    String artifactPath,
    Map<String, Path> files,
    Map<String, Map<String, Object>> flavors,
    String modelUuid,
    String utcTimeCreated) {

  private static final DateTimeFormatter UTC_CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  /** A model created now, with a fresh uuid, in the MLflow model directory {@code artifactPath}. */
  public static ModelArtifact createdNow(String artifactPath, Map<String, Path> files,
      Map<String, Map<String, Object>> flavors) {
    return new ModelArtifact(artifactPath, files, flavors, UUID.randomUUID().toString().replace("-", ""),
        LocalDateTime.now(ZoneOffset.UTC).format(UTC_CREATED));
  }
}
