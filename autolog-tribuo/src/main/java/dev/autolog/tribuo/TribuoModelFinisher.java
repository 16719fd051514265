package dev.autolog.tribuo;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.run.ArtifactSink;
import dev.autolog.core.run.RunFinisher;
import dev.autolog.core.tracking.MlflowLimits;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.util.Reflect;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves the trained model as an MLflow Model {@code model/} with a {@code tribuo} flavor, on the
 * logger's thread as soon as training has returned it (not when its run ends):
 *
 * <ul>
 *   <li>{@code model/model.tribuo}: Tribuo's protobuf format ({@code Model.serializeToFile}, Tribuo
 *       4.3+; load with {@code Model.deserializeFromFile}). Older Tribuo gets Java serialization in
 *       {@code model/model.ser} instead;
 *   <li>with {@code tribuo.log_onnx}, {@code model/model.onnx} when the model is
 *       {@code ONNXExportable} (linear SGD and factorization-machine models, ensembles of them),
 *       with domain {@value #ONNX_DOMAIN};
 *   <li>the {@code MLmodel} file, written by the tracker.
 * </ul>
 *
 * Runs on the logger's worker thread; a Tribuo model is immutable once trained.
 */
final class TribuoModelFinisher implements RunFinisher {
  static final String ONNX_DOMAIN = "dev.autolog";

  private final Object model;
  private final boolean exportOnnx;

  TribuoModelFinisher(Object model, boolean exportOnnx) {
    this.model = model;
    this.exportOnnx = exportOnnx;
  }

  @Override
  public void finish(ArtifactSink sink) throws Exception {
    Path dir = sink.newTempDir();
    Map<String, Path> files = new LinkedHashMap<>();
    Map<String, Object> flavor = new LinkedHashMap<>();
    try {
      Path data = dir.resolve("model.tribuo");
      ModelSaveReflection.whileSaving(() -> Reflect.call(model, "serializeToFile", data));
      files.put("model.tribuo", data);
      flavor.put("data", "model.tribuo");
      flavor.put("format", "protobuf");
    } catch (NoSuchMethodException e) {
      Path data = dir.resolve("model.ser");
      try (OutputStream out = Files.newOutputStream(data); ObjectOutputStream oos = new ObjectOutputStream(out)) {
        oos.writeObject(model);
      }
      files.put("model.ser", data);
      flavor.put("data", "model.ser");
      flavor.put("format", "java-serialization");
    }
    flavor.put("tribuo_version", TribuoTraining.version(model));
    flavor.put("model_class", model.getClass().getName());
    if (exportOnnx && onnxExportable(model)) {
      Path onnx = dir.resolve("model.onnx");
      try {
        Reflect.call(model, "saveONNXModel", ONNX_DOMAIN, 1L, onnx);
        files.put("model.onnx", onnx);
        flavor.put("onnx", "model.onnx");
      } catch (ReflectiveOperationException | RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        AgentLog.warnOnce("tribuo-onnx-" + model.getClass().getName(),
            "could not export " + model.getClass().getName() + " to ONNX: "
                + MlflowLimits.truncate(AgentLog.describe(cause), 300));
      }
    }
    sink.addModel(ModelArtifact.createdNow("model", files, Map.of("tribuo", flavor)));
  }

  /**
   * Whether the model says it can be exported to ONNX. An ensemble implements ONNXExportable
   * whatever its members are, and can only be exported when every member can.
   */
  static boolean onnxExportable(Object model) {
    if (!Reflect.isA(model, "org.tribuo.ONNXExportable")) {
      return false;
    }
    if (Reflect.isA(model, "org.tribuo.ensemble.EnsembleModel")) {
      Object members = Reflect.tryCall(model, "getModels");
      if (!(members instanceof java.util.Collection<?> list)) {
        return false;
      }
      for (Object member : list) {
        if (!onnxExportable(member)) {
          return false;
        }
      }
    }
    return true;
  }
}
