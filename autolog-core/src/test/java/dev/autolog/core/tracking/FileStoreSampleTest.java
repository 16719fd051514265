package dev.autolog.core.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes with {@link FileStoreTracker} what the real MLflow 2.22.4 Python client wrote into
 * {@code src/test/resources/mlflow-2.22.4/filestore-sample-mlruns}, and compares the two stores
 * file by file. Timestamps and ids differ by nature; everything else must match.
 */
class FileStoreSampleTest {
  private static final String SAMPLE_EXPERIMENT = "543922625438848347";
  private static final String SAMPLE_RUN = "ed516be043c148b5987bd1c55749c03a";
  // Experiment tags are not something the tracker writes.
  private static final String SKIPPED = SAMPLE_EXPERIMENT + "/tags/team";

  @TempDir Path temp;
  private Path sample;
  private Path root;
  private String experimentId;
  private String runId;
  private long startTime;
  private long endTime;

  @BeforeEach
  void reproduceTheSample() throws IOException, URISyntaxException {
    sample = Path.of(FileStoreSampleTest.class.getResource("/mlflow-2.22.4/filestore-sample-mlruns").toURI());
    root = temp.resolve("mlruns");
    FileStoreTracker tracker = new FileStoreTracker(root);
    experimentId = tracker.getOrCreateExperiment("file-store-demo");

    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.source.type", "LOCAL");
    tags.put("mlflow.runName", "demo-run");
    tags.put("note", "multi\nline");
    tags.put("stage", "dev");
    tags.put("mlflow.source.name", "/home/user/project/train.py");
    tags.put("mlflow.user", "root");
    startTime = System.currentTimeMillis();
    RunInfo run = tracker.createRun(experimentId, "demo-run", startTime, tags);
    runId = run.runId();

    Map<String, String> params = new LinkedHashMap<>();
    params.put("batch_size", "32");
    params.put("optimizer", "adam");
    params.put("epochs", "3");
    params.put("lr", "0.01");
    long t = startTime + 10;
    List<Metric> metrics = List.of(
        new Metric("loss", 1.0, t, 0),
        new Metric("loss", 0.5, t + 1, 1),
        new Metric("loss", 1.0 / 3, t + 2, 2),
        new Metric("nan_metric", Double.NaN, t + 3, 0),
        new Metric("inf_metric", Double.POSITIVE_INFINITY, t + 4, 0),
        new Metric("acc", 0.9, t + 5, 0));
    tracker.logBatch(runId, metrics, params, Map.of());

    tracker.logArtifact(run, "hello.txt", write("hello.txt", "hello artifact\n"));
    tracker.logArtifact(run, "notes/readme.txt", write("readme.txt", "some text"));
    tracker.logArtifact(run, "sub/dir/hello.txt", write("hello.txt", "hello artifact\n"));
    tracker.logArtifact(run, "config.json", write("config.json", "{\n  \"a\": 1\n}"));

    endTime = startTime + 40;
    tracker.updateRun(runId, RunStatus.FINISHED, endTime);
  }

  @Test
  void holdsTheSameFilesAsTheRealStore() throws IOException {
    TreeSet<String> expected = relativeFiles(sample);
    expected.remove(SKIPPED);
    TreeSet<String> actual = new TreeSet<>();
    for (String path : relativeFiles(root)) {
      actual.add(toSampleIds(path));
    }
    assertEquals(expected, actual);
  }

  @Test
  void paramsTagsAndArtifactsAreByteForByteTheSame() throws IOException {
    int compared = 0;
    for (String path : relativeFiles(sample)) {
      if (path.equals(SKIPPED) || !path.matches(".*/(params|tags|artifacts)/.*")) {
        continue;
      }
      assertArrayEquals(Files.readAllBytes(sample.resolve(path)), Files.readAllBytes(root.resolve(toOurIds(path))), path);
      compared++;
    }
    assertEquals(14, compared); // 4 params, 6 tags, 4 artifacts
  }

  @Test
  void metricLinesHaveTheSameValueAndStepLayout() throws IOException {
    for (String name : List.of("loss", "acc", "nan_metric", "inf_metric")) {
      String metric = SAMPLE_EXPERIMENT + "/" + SAMPLE_RUN + "/metrics/" + name;
      List<String> expected = Files.readAllLines(sample.resolve(metric));
      List<String> actual = Files.readAllLines(root.resolve(toOurIds(metric)));
      assertEquals(valueAndStep(expected), valueAndStep(actual), name);
      for (String line : actual) {
        assertTrue(line.matches("[0-9]+ \\S+ [0-9]+"), line);
      }
      // Every line ends with a newline, as MLflow appends "<ts> <value> <step>\n".
      assertTrue(Files.readString(root.resolve(toOurIds(metric))).endsWith("\n"));
    }
  }

  @Test
  void runMetaHasTheSameKeysOrderAndValueStyles() throws IOException {
    Path metaFile = root.resolve(experimentId).resolve(runId).resolve("meta.yaml");
    Map<String, String> expected = meta(sample.resolve(SAMPLE_EXPERIMENT + "/" + SAMPLE_RUN + "/meta.yaml"));
    Map<String, String> actual = meta(metaFile);

    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
    for (String key : expected.keySet()) {
      assertEquals(style(expected.get(key)), style(actual.get(key)), key);
    }
    for (String key : List.of("entry_point_name", "lifecycle_stage", "run_name", "source_name",
        "source_type", "source_version", "status", "tags", "user_id")) {
      assertEquals(expected.get(key), actual.get(key), key);
    }
    assertEquals("'" + experimentId + "'", actual.get("experiment_id"));
    assertEquals(runId, actual.get("run_id"));
    assertEquals(runId, actual.get("run_uuid"));
    assertEquals(Long.toString(startTime), actual.get("start_time"));
    assertEquals(Long.toString(endTime), actual.get("end_time"));
    assertEquals("file://" + root.toAbsolutePath() + "/" + experimentId + "/" + runId + "/artifacts",
        actual.get("artifact_uri"));
    assertTrue(Files.readString(metaFile).endsWith("user_id: root\n"));
  }

  @Test
  void experimentMetaHasTheSameKeysOrderAndValueStyles() throws IOException {
    Map<String, String> expected = meta(sample.resolve(SAMPLE_EXPERIMENT + "/meta.yaml"));
    Map<String, String> actual = meta(root.resolve(experimentId).resolve("meta.yaml"));

    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
    for (String key : expected.keySet()) {
      assertEquals(style(expected.get(key)), style(actual.get(key)), key);
    }
    assertEquals("file-store-demo", actual.get("name"));
    assertEquals("active", actual.get("lifecycle_stage"));
    assertEquals("'" + experimentId + "'", actual.get("experiment_id"));
    assertEquals("file://" + root.toAbsolutePath() + "/" + experimentId, actual.get("artifact_location"));
    assertEquals(actual.get("creation_time"), actual.get("last_update_time"));
  }

  @Test
  void aNewStoreHasTheDefaultExperimentLikeTheRealOne() throws IOException {
    Map<String, String> expected = meta(sample.resolve("0/meta.yaml"));
    Map<String, String> actual = meta(root.resolve("0/meta.yaml"));

    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
    for (String key : expected.keySet()) {
      assertEquals(style(expected.get(key)), style(actual.get(key)), key);
    }
    assertEquals("Default", actual.get("name"));
    assertEquals("'0'", actual.get("experiment_id"));
    assertEquals("file://" + root.toAbsolutePath() + "/0", actual.get("artifact_location"));
  }

  @Test
  void hasTheTrashFolderAndTheRunsArtifactsFolder() {
    // The sample README: the real store holds an empty .trash/ at its root and artifacts/ in every run.
    assertTrue(Files.isDirectory(root.resolve(".trash")));
    assertTrue(Files.isDirectory(root.resolve(experimentId).resolve(runId).resolve("artifacts")));
  }

  @Test
  void newExperimentIdsHave18DigitsLikeTheSample() {
    assertEquals(SAMPLE_EXPERIMENT.length(), experimentId.length());
    assertTrue(experimentId.matches("[1-9][0-9]{17}"), experimentId);
    assertTrue(runId.matches("[0-9a-f]{32}"), runId);
  }

  private Path write(String name, String content) throws IOException {
    Path dir = Files.createTempDirectory(temp, "src");
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private String toSampleIds(String path) {
    return path.replace(experimentId, SAMPLE_EXPERIMENT).replace(runId, SAMPLE_RUN);
  }

  private String toOurIds(String path) {
    return path.replace(SAMPLE_EXPERIMENT, experimentId).replace(SAMPLE_RUN, runId);
  }

  private static TreeSet<String> relativeFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static List<String> valueAndStep(List<String> lines) {
    return lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
  }

  /** The "key: value" lines of a block-style meta.yaml, in file order, values as written. */
  private static Map<String, String> meta(Path file) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int colon = line.indexOf(": ");
      map.put(line.substring(0, colon), line.substring(colon + 2));
    }
    return map;
  }

  /** How a YAML reader types the raw value: what must agree between the two stores. */
  private static String style(String raw) {
    if (raw.equals("null")) {
      return "null";
    }
    if (raw.equals("[]")) {
      return "empty list";
    }
    if (raw.matches("-?[0-9]+")) {
      return "integer";
    }
    if (raw.startsWith("'")) {
      return "single-quoted string";
    }
    if (raw.startsWith("\"")) {
      return "double-quoted string";
    }
    return "plain string";
  }
}
