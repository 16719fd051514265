package dev.autolog.dl4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.core.run.ArtifactSink;
import dev.autolog.core.run.ModelRun;
import dev.autolog.core.run.RunFinisher;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Saves the trained network when its run finishes: {@code model/model.zip} written by DL4J's
 * {@code ModelSerializer} (configuration, parameters and updater state, loadable with
 * {@code MultiLayerNetwork.load} / {@code ComputationGraph.load}) and an {@code MLmodel} file with a
 * {@code dl4j} flavor, plus the {@code mlflow.log-model.history} tag through which MLflow 2.x lists
 * the run's models. Runs on the logger's worker thread, when the model is idle.
 */
final class Dl4jModelFinisher implements RunFinisher {
  private static final DateTimeFormatter UTC_CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final ModelRun run;
  private final Object model;

  Dl4jModelFinisher(ModelRun run, Object model) {
    this.run = run;
    this.model = model;
  }

  @Override
  public void finish(ArtifactSink sink) throws Exception {
    if (run.isRunning()) {
      // A new training call resumed the run before it could be saved; it is saved when that ends.
      return;
    }
    ClassLoader loader = model.getClass().getClassLoader();
    Class<?> modelType = Class.forName("org.deeplearning4j.nn.api.Model", false, loader);
    Path dir = sink.newTempDir();
    Path zip = dir.resolve("model.zip");
    Class.forName("org.deeplearning4j.util.ModelSerializer", true, loader)
        .getMethod("writeModel", modelType, File.class, boolean.class)
        .invoke(null, model, zip.toFile(), true);
    long size = Files.size(zip);
    String uuid = UUID.randomUUID().toString().replace("-", "");
    String created = LocalDateTime.now(ZoneOffset.UTC).format(UTC_CREATED);
    String version = dl4jVersion(loader);
    String runId = sink.runId();
    sink.addFile("model/model.zip", zip);
    sink.addText("model/MLmodel", mlmodel(runId, uuid, created, version, size));
    Files.deleteIfExists(dir);

    Map<String, Object> flavor = new LinkedHashMap<>();
    flavor.put("data", "model.zip");
    flavor.put("dl4j_version", version);
    flavor.put("model_class", model.getClass().getName());
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("run_id", runId);
    entry.put("artifact_path", "model");
    entry.put("utc_time_created", created);
    entry.put("model_uuid", uuid);
    entry.put("flavors", Map.of("dl4j", flavor));
    run.setTag("mlflow.log-model.history", new ObjectMapper().writeValueAsString(List.of(entry)));
  }

  private String mlmodel(String runId, String uuid, String created, String version, long size) {
    return "artifact_path: model\n"
        + "flavors:\n"
        + "  dl4j:\n"
        + "    data: model.zip\n"
        + "    dl4j_version: " + version + "\n"
        + "    model_class: " + model.getClass().getName() + "\n"
        + "model_size_bytes: " + size + "\n"
        + "model_uuid: " + uuid + "\n"
        + "run_id: " + runId + "\n"
        + "utc_time_created: '" + created + "'\n";
  }

  /** DL4J's version from its jar's Maven metadata; "unknown" when the jar carries none. */
  static String dl4jVersion(ClassLoader loader) {
    try (InputStream in = loader == null ? null
        : loader.getResourceAsStream("META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (Exception e) {
      // fall through
    }
    return "unknown";
  }
}
