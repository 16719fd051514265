package dev.autolog.dl4j;

import dev.autolog.core.run.ArtifactSink;
import dev.autolog.core.run.RunFinisher;
import dev.autolog.core.tracking.ModelArtifact;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Saves the trained network when its run finishes: {@code model/model.zip} written by DL4J's
 * {@code ModelSerializer} (configuration, parameters and updater state, loadable with
 * {@code MultiLayerNetwork.load} / {@code ComputationGraph.load}), recorded as an MLflow Model with
 * a {@code dl4j} flavor; the tracker adds the {@code MLmodel} file and registers the model. Runs on
 * the logger's worker thread, when the model is idle.
 */
final class Dl4jModelFinisher implements RunFinisher {
  private final Object model;

  Dl4jModelFinisher(Object model) {
    this.model = model;
  }

  @Override
  public void finish(ArtifactSink sink) throws Exception {
    ClassLoader loader = model.getClass().getClassLoader();
    Class<?> modelType = Class.forName("org.deeplearning4j.nn.api.Model", false, loader);
    Path zip = sink.newTempDir().resolve("model.zip");
    Class.forName("org.deeplearning4j.util.ModelSerializer", true, loader)
        .getMethod("writeModel", modelType, File.class, boolean.class)
        .invoke(null, model, zip.toFile(), true);
    Map<String, Object> flavor = new LinkedHashMap<>();
    flavor.put("data", "model.zip");
    flavor.put("dl4j_version", dl4jVersion(loader));
    flavor.put("model_class", model.getClass().getName());
    sink.addModel(ModelArtifact.createdNow("model", Map.of("model.zip", zip), Map.of("dl4j", flavor)));
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
