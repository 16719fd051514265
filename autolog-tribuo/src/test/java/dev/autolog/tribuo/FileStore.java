package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Reads the runs of experiment 0 of an MLflow file store: meta, params, tags, metrics, artifacts. */
final class FileStore {
  private final Path experiment;

  FileStore(Path root) {
    this.experiment = root.resolve("0");
  }

  List<String> runIds() {
    if (!Files.isDirectory(experiment)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(experiment)) {
      return s.filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).map(d -> d.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Run run(String id) {
    return new Run(experiment.resolve(id));
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One run directory. */
  record Run(Path dir) {
    String id() {
      return dir.getFileName().toString();
    }

    Map<String, String> meta() {
      Map<String, String> map = new LinkedHashMap<>();
      for (String line : read(dir.resolve("meta.yaml")).split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          map.put(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      return map;
    }

    String name() {
      return tag("mlflow.runName");
    }

    long startTime() {
      return Long.parseLong(meta().get("start_time"));
    }

    int status() {
      return Integer.parseInt(meta().get("status"));
    }

    /**
     * Waits (at most 10 s) until the run has left RUNNING and what its end wrote (model, tags) is
     * written too, and returns its status.
     */
    int awaitEnd() throws InterruptedException {
      long deadline = System.currentTimeMillis() + 10_000;
      while (status() == 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      InProcessAgent.flush();
      return status();
    }

    String param(String key) {
      Path f = dir.resolve("params").resolve(key);
      return Files.exists(f) ? read(f) : null;
    }

    String tag(String key) {
      Path f = dir.resolve("tags").resolve(key);
      return Files.exists(f) ? read(f) : null;
    }

    Map<String, String> params() {
      return contents(dir.resolve("params"));
    }

    Map<String, String> tags() {
      return contents(dir.resolve("tags"));
    }

    List<String> metricKeys() {
      return new ArrayList<>(contents(dir.resolve("metrics")).keySet());
    }

    /** Points of a metric, each {value, step}. */
    List<double[]> metric(String key) {
      Path f = dir.resolve("metrics").resolve(key);
      List<double[]> points = new ArrayList<>();
      if (Files.exists(f)) {
        for (String line : read(f).split("\n")) {
          if (!line.isBlank()) {
            String[] p = line.split(" ");
            points.add(new double[] {Double.parseDouble(p[1]), Double.parseDouble(p[2])});
          }
        }
      }
      return points;
    }

    /** The metric's only point's value. */
    double value(String key) {
      List<double[]> points = metric(key);
      assertTrue(points.size() == 1, key + " has " + points.size() + " points in " + name());
      return points.get(0)[0];
    }

    List<Long> steps(String key) {
      return metric(key).stream().map(p -> (long) p[1]).toList();
    }

    Path artifact(String path) {
      return dir.resolve("artifacts").resolve(path);
    }

    private static Map<String, String> contents(Path d) {
      Map<String, String> out = new java.util.TreeMap<>();
      if (!Files.isDirectory(d)) {
        return out;
      }
      try (Stream<Path> s = Files.walk(d)) {
        s.filter(Files::isRegularFile).forEach(p -> out.put(d.relativize(p).toString(), read(p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }
  }
}
