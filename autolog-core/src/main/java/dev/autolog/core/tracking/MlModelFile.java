package dev.autolog.core.tracking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code MLmodel} file and the model-history entry of a {@link ModelArtifact}, as MLflow's
 * {@code Model.to_dict()} and {@code get_tags_dict()} lay them out.
 */
public final class MlModelFile {
  private MlModelFile() {}

  /** The MLmodel YAML for {@code model} logged to run {@code runId}; {@code modelId} is MLflow 3's (nullable). */
  public static String render(ModelArtifact model, String runId, String modelId) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("artifact_path: ").append(YamlScalars.string(model.artifactPath())).append('\n');
    sb.append("flavors:\n");
    for (Map.Entry<String, Map<String, Object>> flavor : new TreeMap<>(model.flavors()).entrySet()) {
      sb.append("  ").append(flavor.getKey()).append(":\n");
      for (Map.Entry<String, Object> field : new TreeMap<>(flavor.getValue()).entrySet()) {
        sb.append("    ").append(field.getKey()).append(": ").append(scalar(field.getValue())).append('\n');
      }
    }
    if (modelId != null) {
      sb.append("model_id: ").append(YamlScalars.string(modelId)).append('\n');
    }
    sb.append("model_size_bytes: ").append(size(model)).append('\n');
    sb.append("model_uuid: ").append(YamlScalars.string(modelId != null ? modelId : model.modelUuid())).append('\n');
    sb.append("run_id: ").append(YamlScalars.string(runId)).append('\n');
    sb.append("utc_time_created: ").append(YamlScalars.string(model.utcTimeCreated())).append('\n');
    return sb.toString();
  }

  /** The model's entry in the {@code mlflow.log-model.history} tag (flavors without per-flavor config). */
  public static Map<String, Object> historyEntry(ModelArtifact model, String runId) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("run_id", runId);
    entry.put("artifact_path", model.artifactPath());
    entry.put("utc_time_created", model.utcTimeCreated());
    entry.put("model_uuid", model.modelUuid());
    entry.put("flavors", model.flavors());
    return entry;
  }

  private static long size(ModelArtifact model) throws IOException {
    long total = 0;
    for (Path file : model.files().values()) {
      total += Files.size(file);
    }
    return total;
  }

  private static String scalar(Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return value == null ? "null" : YamlScalars.string(value.toString());
  }
}
