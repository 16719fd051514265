package dev.autolog.tribuo;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.util.Json;
import dev.autolog.core.util.Reflect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Reads OLCUT provenance objects (what Tribuo trainers, datasets and models describe themselves
 * with) through reflection.
 *
 * <p>{@link #flatten} turns a provenance into dotted keys the way
 * {@code ProvenanceUtil.convertToMap} nests them ({@code trainer.epochs},
 * {@code trainer.optimiser.class-name}, {@code dataset.num-examples}, list elements by index, except
 * that a list of plain values is one value {@code [a, b, c]}), and
 * splits the values: timestamps ({@code DateTimeProvenance}, {@code DateProvenance},
 * {@code TimeProvenance}, e.g. {@code trained-at}, {@code datasource-creation-time},
 * {@code file-modified-time}) differ on every run and become tags; everything else is a param.
 * {@code host-short-name} entries name the interface an object was configured as (the same for
 * every instance of a class) and are left out.
 */
final class TribuoProvenance {
  private static final String OLCUT = "com.oracle.labs.mlrg.olcut.provenance.";
  static final String OBJECT = OLCUT + "ObjectProvenance";
  private static final String PRIMITIVE = OLCUT + "PrimitiveProvenance";
  private static final String LIST = OLCUT + "ListProvenance";
  private static final String MAP = OLCUT + "MapProvenance";
  private static final Set<String> TIMES = Set.of(
      OLCUT + "primitives.DateTimeProvenance", OLCUT + "primitives.DateProvenance", OLCUT + "primitives.TimeProvenance");
  private static final String SKIPPED = "host-short-name";
  /** At most this many keys per run; wide configurations (per-feature transformations) are cut. */
  static final int MAX_KEYS = 500;
  private static final int MAX_DEPTH = 32;

  private TribuoProvenance() {}

  /** Flattened provenance: stable values (params) and per-run values such as timestamps (tags). */
  static final class Flat {
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    private boolean truncated;

    private void put(String key, String value, boolean perRun) {
      if (params.size() + tags.size() >= MAX_KEYS) {
        if (!truncated) {
          truncated = true;
          AgentLog.warnOnce("tribuo-provenance-keys-" + key,
              "Tribuo provenance has more than " + MAX_KEYS + " entries; params after " + key
                  + " are left out (provenance.json has them all)");
        }
        return;
      }
      (perRun ? tags : params).put(key, value);
    }
  }

  /** Adds {@code provenance} (an OLCUT Provenance of any kind) under {@code prefix}. */
  static void flatten(String prefix, Object provenance, Flat out) {
    walk(prefix, provenance, out, 0);
  }

  private static void walk(String key, Object prov, Flat out, int depth) {
    if (prov == null || depth > MAX_DEPTH) {
      return;
    }
    if (Reflect.isA(prov, PRIMITIVE)) {
      Object value = Reflect.tryCall(prov, "getValue");
      if (value != null) {
        out.put(key, String.valueOf(value), isTime(prov));
      }
    } else if (Reflect.isA(prov, OBJECT) || Reflect.isA(prov, MAP)) {
      // Both iterate as pairs of (name, provenance).
      for (Object pair : (Iterable<?>) prov) {
        Object name = Reflect.tryCall(pair, "getA");
        if (name == null || SKIPPED.equals(name)) {
          continue;
        }
        walk(key.isEmpty() ? name.toString() : key + "." + name, Reflect.tryCall(pair, "getB"), out, depth + 1);
      }
    } else if (Reflect.isA(prov, LIST)) {
      String values = primitiveValues((Iterable<?>) prov);
      if (values != null) {
        out.put(key, values, false);
        return;
      }
      int i = 0;
      for (Object element : (Iterable<?>) prov) {
        walk(key + "." + i++, element, out, depth + 1);
      }
    }
  }

  /**
   * A non-empty list of plain values (no timestamps) as one value, {@code [a, b, c]}: a dataset
   * view's row indices or a list of field names is one param, not one param per element.
   * Null when the list holds anything else (objects, nested lists, timestamps, nulls).
   */
  private static String primitiveValues(Iterable<?> list) {
    StringJoiner values = new StringJoiner(", ", "[", "]");
    int n = 0;
    for (Object element : list) {
      Object value = Reflect.isA(element, PRIMITIVE) && !isTime(element) ? Reflect.tryCall(element, "getValue") : null;
      if (value == null) {
        return null;
      }
      values.add(String.valueOf(value));
      n++;
    }
    return n == 0 ? null : values.toString();
  }

  private static boolean isTime(Object prov) {
    for (String type : TIMES) {
      if (Reflect.isA(prov, type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The whole provenance as JSON, nested as {@code ProvenanceUtil.convertToMap} nests it, keys
   * sorted; null if the provenance cannot be read.
   */
  static String json(Object objectProvenance) {
    try {
      Class<?> type = Reflect.classNear(objectProvenance, OBJECT);
      Object map = Reflect.callStatic(objectProvenance.getClass().getClassLoader(),
          "com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil", "convertToMap", new Class<?>[] {type},
          objectProvenance);
      return Json.pretty(sorted(map)) + "\n";
    } catch (Exception | LinkageError e) {
      AgentLog.warnOnce("tribuo-provenance-json", "could not write Tribuo provenance as JSON: " + AgentLog.describe(e));
      return null;
    }
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return value;
  }
}
