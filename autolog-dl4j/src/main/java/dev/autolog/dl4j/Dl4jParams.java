package dev.autolog.dl4j;

import dev.autolog.core.util.Reflect;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a network's hyperparameters from its configuration, without training or initializing it:
 * model class, seed, optimization algorithm, updater and its fields, regularization, and per layer
 * type, sizes, activation, weight init, dropout and loss. Anything unreadable is skipped.
 */
final class Dl4jParams {
  private Dl4jParams() {}

  static Map<String, Object> of(Object model) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("model_class", model.getClass().getSimpleName());
    Object defaults;
    List<Object[]> layers = new ArrayList<>(); // {name, layer}
    Object mlnConf = Reflect.tryCall(model, "getLayerWiseConfigurations");
    if (mlnConf != null) {
      Object confs = Reflect.tryCall(mlnConf, "getConfs");
      List<?> list = confs instanceof List<?> l ? l : List.of();
      defaults = list.isEmpty() ? null : list.get(0);
      for (int i = 0; i < list.size(); i++) {
        Object layer = Reflect.tryCall(list.get(i), "getLayer");
        if (layer != null) {
          layers.add(new Object[] {layerName(layer, "layer" + i), layer});
        }
      }
    } else {
      Object cgConf = Reflect.tryCall(model, "getConfiguration");
      defaults = Reflect.tryCall(cgConf, "getDefaultConfiguration");
      Object vertices = Reflect.tryCall(cgConf, "getVertices");
      if (vertices instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          Object layerConf = Reflect.tryCall(e.getValue(), "getLayerConf");
          Object layer = Reflect.tryCall(layerConf, "getLayer");
          if (layer != null) {
            layers.add(new Object[] {String.valueOf(e.getKey()), layer});
          }
        }
      }
    }
    if (defaults != null) {
      params.put("seed", Reflect.tryCall(defaults, "getSeed"));
      params.put("optimization_algo", Reflect.tryCall(defaults, "getOptimizationAlgo"));
    }
    params.put("num_layers", layers.size());
    addUpdater(params, layers);
    addRegularization(params, layers);
    for (Object[] entry : layers) {
      addLayer(params, (String) entry[0], entry[1]);
    }
    return params;
  }

  private static String layerName(Object layer, String fallback) {
    Object name = Reflect.tryCall(layer, "getLayerName");
    return name == null ? fallback : name.toString();
  }

  /** The first layer's updater stands for the network's (DL4J copies the global updater into each layer). */
  private static void addUpdater(Map<String, Object> params, List<Object[]> layers) {
    for (Object[] entry : layers) {
      Object updater = Reflect.tryCall(entry[1], "getIUpdater");
      if (updater == null) {
        continue;
      }
      params.put("updater", updater.getClass().getSimpleName());
      if (Boolean.TRUE.equals(Reflect.tryCall(updater, "hasLearningRate"))) {
        params.put("learning_rate", Reflect.tryCall(updater, "getLearningRate", 0, 0));
      }
      for (Class<?> c = updater.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("learningRate")) {
            continue;
          }
          try {
            f.setAccessible(true);
            Object v = f.get(updater);
            if (v != null) {
              params.put("updater." + f.getName(), v);
            }
          } catch (ReflectiveOperationException | RuntimeException e) {
            // an unreadable field is skipped
          }
        }
      }
      return;
    }
  }

  private static void addRegularization(Map<String, Object> params, List<Object[]> layers) {
    for (Object[] entry : layers) {
      Object regs = Reflect.tryCall(entry[1], "getRegularization");
      if (!(regs instanceof Collection<?> list) || list.isEmpty()) {
        continue;
      }
      for (Object reg : list) {
        String kind = reg.getClass().getSimpleName();
        String key;
        Object schedule;
        switch (kind) {
          case "L1Regularization" -> { key = "l1"; schedule = Reflect.tryCall(reg, "getL1"); }
          case "L2Regularization" -> { key = "l2"; schedule = Reflect.tryCall(reg, "getL2"); }
          case "WeightDecay" -> { key = "weight_decay"; schedule = Reflect.tryCall(reg, "getCoeff"); }
          default -> { key = "regularization." + kind; schedule = null; }
        }
        Object value = schedule == null ? reg.toString() : Reflect.tryCall(schedule, "valueAt", 0, 0);
        params.put(key, value == null ? String.valueOf(schedule) : value);
      }
      return;
    }
  }

  private static void addLayer(Map<String, Object> params, String name, Object layer) {
    String prefix = "layer." + name + ".";
    params.put(prefix + "type", layer.getClass().getSimpleName());
    params.put(prefix + "n_in", Reflect.tryCall(layer, "getNIn"));
    params.put(prefix + "n_out", Reflect.tryCall(layer, "getNOut"));
    params.put(prefix + "activation", Reflect.tryCall(layer, "getActivationFn"));
    Object weightInit = Reflect.tryCall(layer, "getWeightInitFn");
    if (weightInit != null) {
      params.put(prefix + "weight_init", weightInit.getClass().getSimpleName().replaceFirst("^WeightInit", ""));
    }
    Object dropout = Reflect.tryCall(layer, "getIDropout");
    if (dropout != null) {
      // DL4J's Dropout p is the probability of RETAINING an activation.
      Object p = Reflect.tryCall(dropout, "getP");
      params.put(prefix + "dropout", p != null ? "retain=" + p : dropout.getClass().getSimpleName());
    }
    params.put(prefix + "loss", Reflect.tryCall(layer, "getLossFn"));
  }
}
