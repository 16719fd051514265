package dev.autolog.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads an MLflow file store the way a test needs it: experiments, runs, params, metrics, tags. */
final class MlflowFileStore {
  private final Path root;

  MlflowFileStore(Path root) {
    this.root = root;
  }

  /** Experiment id by name. */
  Map<String, String> experiments() {
    Map<String, String> byName = new LinkedHashMap<>();
    for (Path dir : list(root)) {
      Path meta = dir.resolve("meta.yaml");
      if (Files.isRegularFile(meta)) {
        byName.put(unquote(meta(meta).get("name")), dir.getFileName().toString());
      }
    }
    return byName;
  }

  /** Runs of an experiment, by run name. */
  Map<String, Run> runs(String experimentId) {
    Map<String, Run> runs = new LinkedHashMap<>();
    for (Path dir : list(root.resolve(experimentId))) {
      if (Files.isRegularFile(dir.resolve("meta.yaml"))) {
        Run run = new Run(dir);
        runs.put(run.name(), run);
      }
    }
    return runs;
  }

  static Map<String, String> meta(Path file) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : read(file).split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        map.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return map;
  }

  static String unquote(String s) {
    return s != null && s.length() >= 2 && s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One run directory. */
  record Run(Path dir) {
    Map<String, String> meta() {
      return MlflowFileStore.meta(dir.resolve("meta.yaml"));
    }

    String id() {
      return dir.getFileName().toString();
    }

    String name() {
      return tag("mlflow.runName");
    }

    int status() {
      return Integer.parseInt(meta().get("status"));
    }

    String param(String key) {
      Path f = dir.resolve("params").resolve(key);
      return Files.exists(f) ? read(f) : null;
    }

    String tag(String key) {
      Path f = dir.resolve("tags").resolve(key);
      return Files.exists(f) ? read(f) : null;
    }

    List<String> paramKeys() {
      return names(dir.resolve("params"));
    }

    List<String> metricKeys() {
      return names(dir.resolve("metrics"));
    }

    /** Points of a metric, each {timestamp, value, step}. */
    List<double[]> metric(String key) {
      Path f = dir.resolve("metrics").resolve(key);
      List<double[]> points = new ArrayList<>();
      if (!Files.exists(f)) {
        return points;
      }
      for (String line : read(f).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] p = line.split(" ");
        points.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])});
      }
      return points;
    }

    List<Long> steps(String key) {
      return metric(key).stream().map(p -> (long) p[2]).toList();
    }

    double last(String key) {
      List<double[]> points = metric(key);
      return points.get(points.size() - 1)[1];
    }

    Path artifact(String path) {
      return dir.resolve("artifacts").resolve(path);
    }

    private static List<String> names(Path d) {
      if (!Files.isDirectory(d)) {
        return List.of();
      }
      try (Stream<Path> s = Files.walk(d)) {
        return s.filter(Files::isRegularFile).map(p -> d.relativize(p).toString()).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
