package dev.autolog.dl4j;

import dev.autolog.core.util.Reflect;
import java.util.List;

/** Finds the updater whose learning rate follows a schedule, if any. */
final class LearningRate {
  /** Marker: the learning rate is fixed (nothing to log per iteration). */
  static final Object NONE = new Object();

  private LearningRate() {}

  /** The first layer updater with a learning-rate schedule, or {@link #NONE}. */
  static Object scheduledUpdater(Object model) {
    Object mlnConf = Reflect.tryCall(model, "getLayerWiseConfigurations");
    List<?> layers = List.of();
    if (mlnConf != null && Reflect.tryCall(mlnConf, "getConfs") instanceof List<?> confs) {
      layers = confs.stream().map(c -> Reflect.tryCall(c, "getLayer")).toList();
    } else {
      Object cgConf = Reflect.tryCall(model, "getConfiguration");
      if (Reflect.tryCall(cgConf, "getVertices") instanceof java.util.Map<?, ?> vertices) {
        layers = vertices.values().stream()
            .map(v -> Reflect.tryCall(Reflect.tryCall(v, "getLayerConf"), "getLayer"))
            .toList();
      }
    }
    for (Object layer : layers) {
      Object updater = Reflect.tryCall(layer, "getIUpdater");
      if (updater != null && Reflect.tryCall(updater, "getLearningRateSchedule") != null) {
        return updater;
      }
    }
    return NONE;
  }
}
