package dev.autolog.core.tracking;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.autolog.core.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes runs into an MLflow file store ({@code ./mlruns}) in exactly the layout MLflow 2.x's
 * {@code FileStore} writes, so that {@code mlflow ui} and {@code mlflow server} read it.
 *
 * <p>Layout: {@code <root>/<experiment_id>/meta.yaml}, and per run {@code <run_id>/meta.yaml},
 * {@code metrics/<key>} (lines {@code "<timestamp> <value> <step>\n"}), {@code params/<key>} and
 * {@code tags/<key>} (raw value, no trailing newline) and {@code artifacts/}. Keys containing '/'
 * become subdirectories, as in MLflow.
 */
public final class FileStoreTracker implements Tracker {
  /** The default experiment's id and name. */
  static final String DEFAULT_EXPERIMENT_ID = "0";

  static final String DEFAULT_EXPERIMENT_NAME = "Default";


  /**
   * Jackson reads only what an earlier process wrote (a journal replay, an existing experiment);
   * what this store writes it keeps in memory, so a job logging to a fresh store never loads it.
   */
  private static final class Mappers {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private final Path root;
  private final Map<String, Path> runDirs = new LinkedHashMap<>();
  private final Set<Path> knownDirectories = ConcurrentHashMap.newKeySet();
  /**
   * The meta.yaml of each unfinished run this store wrote, with the file's modification time after
   * the write. Dropped when the run ends: a run resumed later is read from its file again.
   */
  private final Map<Path, WrittenMeta> writtenMetas = new ConcurrentHashMap<>();
  /** Each unfinished run's mlflow.log-model.history entries, once read or written. */
  private final Map<String, List<Object>> modelHistories = new ConcurrentHashMap<>();

  private record WrittenMeta(Map<String, Object> fields, FileTime modified) {}

  /** A file store rooted at {@code root} (created when missing). */
  public FileStoreTracker(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The store's root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String getOrCreateExperiment(String name) throws IOException {
    ensureRoot();
    if (name == null || name.equals(DEFAULT_EXPERIMENT_NAME)) {
      if (!Files.exists(root.resolve(DEFAULT_EXPERIMENT_ID).resolve("meta.yaml"))) {
        writeExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
      }
      return DEFAULT_EXPERIMENT_ID;
    }
    String existing = findExperiment(name);
    if (existing != null) {
      return existing;
    }
    String id;
    do {
      // MLflow's _generate_unique_integer_id: a random 18-digit integer.
      long random = ExperimentIds.RANDOM.nextLong() & Long.MAX_VALUE;
      id = Long.toString(100_000_000_000_000_000L + random % 900_000_000_000_000_000L);
    } while (Files.exists(root.resolve(id)));
    writeExperiment(id, name);
    return id;
  }

  @Override
  public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
      throws IOException {
    String runId = UUID.randomUUID().toString().replace("-", "");
    Path dir = root.resolve(experimentId).resolve(runId);
    for (String sub : List.of("artifacts", "metrics", "params", "tags")) {
      Files.createDirectories(dir.resolve(sub));
      knownDirectories.add(dir.resolve(sub));
    }
    String artifactUri = fileUri(dir.resolve("artifacts"));
    String user = tags.getOrDefault("mlflow.user", System.getProperty("user.name", ""));
    Map<String, Object> meta = new TreeMap<>();
    meta.put("artifact_uri", artifactUri);
    meta.put("end_time", null);
    meta.put("entry_point_name", "");
    meta.put("experiment_id", experimentId);
    meta.put("lifecycle_stage", "active");
    meta.put("run_id", runId);
    meta.put("run_name", runName);
    meta.put("run_uuid", runId);
    meta.put("source_name", "");
    meta.put("source_type", 4);
    meta.put("source_version", "");
    meta.put("start_time", startTime);
    meta.put("status", RunStatus.RUNNING.code());
    meta.put("tags", List.of());
    meta.put("user_id", user);
    writeRunMeta(dir.resolve("meta.yaml"), meta);
    runDirs.put(runId, dir);
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      writeValue(dir.resolve("tags"), tag.getKey(), tag.getValue());
    }
    return new RunInfo(runId, experimentId, artifactUri);
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException {
    Path dir = runDir(runId);
    // A changed param must not cost the rest of the batch: write everything else, then report it.
    List<String> conflicts = new java.util.ArrayList<>();
    for (Map.Entry<String, String> param : params.entrySet()) {
      Path file = keyPath(dir.resolve("params"), param.getKey());
      try {
        // One system call for the usual case, a param logged once; the file says if it was logged before.
        write(file, param.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        String old = Files.readString(file, StandardCharsets.UTF_8);
        if (!old.equals(param.getValue())) {
          conflicts.add("Param with key='" + param.getKey() + "' was already logged with value='" + old + "'");
        }
      }
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      writeValue(dir.resolve("tags"), tag.getKey(), tag.getValue());
      if (tag.getKey().equals("mlflow.runName")) {
        updateMeta(dir, meta -> meta.put("run_name", tag.getValue()));
      }
    }
    appendMetrics(dir.resolve("metrics"), metrics);
    if (!conflicts.isEmpty()) {
      throw new DataRefusedException("Changing param values is not allowed. " + String.join("; ", conflicts));
    }
  }

  @Override
  public void updateRun(String runId, RunStatus status, Long endTime) throws IOException {
    Path dir = runDir(runId);
    updateMeta(
        dir,
        meta -> {
          meta.put("status", status.code());
          meta.put("end_time", endTime);
        });
    if (status.isTerminal()) {
      // A long job may end thousands of runs: keep only what unfinished ones need.
      writtenMetas.remove(dir.resolve("meta.yaml"));
      modelHistories.remove(runId);
    }
  }

  @Override
  public void logArtifact(RunInfo run, String artifactPath, Path file) throws IOException {
    Path target = keyPath(runDir(run.runId()).resolve("artifacts"), artifactPath);
    directory(target.getParent());
    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void logModel(RunInfo run, ModelArtifact model) throws IOException {
    for (Map.Entry<String, Path> file : model.files().entrySet()) {
      logArtifact(run, model.artifactPath() + "/" + file.getKey(), file.getValue());
    }
    Path mlmodel = keyPath(runDir(run.runId()).resolve("artifacts"), model.artifactPath() + "/MLmodel");
    write(mlmodel, MlModelFile.render(model, run.runId(), null));
    // What MLflow 2.x's FileStore.record_logged_model does: append to the run's model history tag.
    Path historyFile = keyPath(runDir(run.runId()).resolve("tags"), "mlflow.log-model.history");
    List<Object> history = modelHistories.get(run.runId());
    if (history == null) {
      history = new java.util.ArrayList<>();
      if (Files.exists(historyFile)) {
        history.addAll(Mappers.JSON.readValue(historyFile.toFile(), List.class));
      }
      modelHistories.put(run.runId(), history);
    }
    history.add(MlModelFile.historyEntry(model, run.runId()));
    writeValue(runDir(run.runId()).resolve("tags"), "mlflow.log-model.history", Json.compact(history));
  }

  @Override
  public String runLocation(RunInfo run) {
    return root.resolve(run.experimentId()).resolve(run.runId()).toString();
  }

  @Override
  public String describe() {
    return "local MLflow file store " + root;
  }

  /** A {@code file:///abs/path} URI without the trailing '/' Java adds for directories, as MLflow writes it. */
  static String fileUri(Path path) {
    String uri = path.toAbsolutePath().toUri().toString();
    if (uri.startsWith("file:/") && !uri.startsWith("file:///")) {
      uri = "file:///" + uri.substring("file:/".length());
    }
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  private void ensureRoot() throws IOException {
    boolean fresh = !Files.isDirectory(root);
    if (fresh) {
      Files.createDirectories(root);
    }
    // FileStore() creates .trash when missing; mlflow reads deleted experiments from it.
    Files.createDirectories(root.resolve(".trash"));
    if (fresh) {
      // Like FileStore(), a new store starts with the Default experiment, whatever is logged to.
      writeExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
    }
  }

  private String findExperiment(String name) throws IOException {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        Path meta = dir.resolve("meta.yaml");
        if (!dir.getFileName().toString().matches("[0-9]+") || !Files.isRegularFile(meta)) {
          continue;
        }
        try {
          Map<String, String> fields = scalarFields(meta);
          if (name.equals(fields.get("name"))
              && "active".equals(fields.getOrDefault("lifecycle_stage", "active"))) {
            return dir.getFileName().toString();
          }
        } catch (IOException e) {
          // An unreadable experiment is skipped, as MLflow's FileStore does.
        }
      }
    }
    return null;
  }

  /**
   * The top-level scalars of a meta.yaml as written, so that a name PyYAML leaves plain but
   * Jackson reads as a number (such as {@code 1e5}) keeps its text.
   */
  private static Map<String, String> scalarFields(Path meta) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    try (JsonParser p = Mappers.YAML.getFactory().createParser(meta.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return fields;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (value.isScalarValue()) {
          fields.put(field, value == JsonToken.VALUE_NULL ? null : p.getText());
        } else {
          p.skipChildren();
        }
      }
    }
    return fields;
  }

  private void writeExperiment(String id, String name) throws IOException {
    Path dir = root.resolve(id);
    Files.createDirectories(dir);
    long now = System.currentTimeMillis();
    Map<String, Object> meta = new TreeMap<>();
    meta.put("artifact_location", fileUri(dir));
    meta.put("creation_time", now);
    meta.put("experiment_id", id);
    meta.put("last_update_time", now);
    meta.put("lifecycle_stage", "active");
    meta.put("name", name);
    writeMeta(dir.resolve("meta.yaml"), meta);
  }

  private Path runDir(String runId) throws IOException {
    Path dir = runDirs.get(runId);
    if (dir != null) {
      return dir;
    }
    // A run created by an earlier process (journal replay): find it by id.
    if (!Files.isDirectory(root)) {
      throw new DataRefusedException("Run '" + runId + "' not found: " + root + " does not exist (any more)");
    }
    try (DirectoryStream<Path> experiments = Files.newDirectoryStream(root)) {
      for (Path exp : experiments) {
        Path candidate = exp.resolve(runId);
        if (Files.isRegularFile(candidate.resolve("meta.yaml"))) {
          runDirs.put(runId, candidate);
          return candidate;
        }
      }
    }
    throw new DataRefusedException("Run '" + runId + "' not found in " + root);
  }

  private void updateMeta(Path runDir, java.util.function.Consumer<Map<String, Object>> change)
      throws IOException {
    Path file = runDir.resolve("meta.yaml");
    WrittenMeta written = writtenMetas.get(file);
    Map<String, Object> meta;
    if (written != null && written.modified().equals(Files.getLastModifiedTime(file))) {
      meta = new TreeMap<>(written.fields());
    } else {
      // Written by an earlier process, or changed since by someone else (a rename in MLflow's UI).
      @SuppressWarnings("unchecked")
      Map<String, Object> read = Mappers.YAML.readValue(file.toFile(), Map.class);
      meta = new TreeMap<>(read);
    }
    change.accept(meta);
    writeRunMeta(file, meta);
  }

  private void writeRunMeta(Path file, Map<String, Object> meta) throws IOException {
    writeMeta(file, meta);
    writtenMetas.put(file, new WrittenMeta(meta, Files.getLastModifiedTime(file)));
  }

  private void appendMetrics(Path metricsDir, List<Metric> metrics) throws IOException {
    if (metrics.isEmpty()) {
      return;
    }
    // One append per key keeps the file count of open/close calls low for long series.
    Map<String, StringBuilder> byKey = new LinkedHashMap<>();
    for (Metric m : metrics) {
      byKey
          .computeIfAbsent(m.key(), k -> new StringBuilder())
          .append(m.timestamp())
          .append(' ')
          .append(PythonFloats.format(m.value()))
          .append(' ')
          .append(m.step())
          .append('\n');
    }
    for (Map.Entry<String, StringBuilder> e : byKey.entrySet()) {
      write(keyPath(metricsDir, e.getKey()), e.getValue().toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private void writeValue(Path dir, String key, String value) throws IOException {
    write(keyPath(dir, key), value);
  }

  /** Makes {@code dir} unless this store made or found it before. */
  private void directory(Path dir) throws IOException {
    if (!knownDirectories.contains(dir)) {
      Files.createDirectories(dir);
      knownDirectories.add(dir);
    }
  }

  /**
   * Writes {@code text} to {@code file}, making its directory only the first time this store writes
   * there: for the one small file per param and tag that the format asks for, a mkdir per file (and
   * the exception Java makes of the existing directory) costs more than the write itself.
   */
  private void write(Path file, String text, OpenOption... options) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Path dir = file.getParent();
    directory(dir);
    try {
      Files.write(file, bytes, options);
    } catch (NoSuchFileException e) {
      // Removed behind our back since: make it again, as a store that made it every time would.
      Files.createDirectories(dir);
      Files.write(file, bytes, options);
    }
  }

  /** Resolves a '/'-separated MLflow key below {@code dir}, refusing anything that would escape it. */
  private static Path keyPath(Path dir, String key) throws IOException {
    Path file = dir.resolve(key).normalize();
    if (!file.startsWith(dir) || file.equals(dir)) {
      throw new IOException("Invalid key or path '" + key + "'");
    }
    return file;
  }

  /** Writes meta.yaml as PyYAML's safe_dump(default_flow_style=False) does: sorted keys, block style. */
  static void writeMeta(Path file, Map<String, Object> sorted) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : new TreeMap<>(sorted).entrySet()) {
      sb.append(e.getKey()).append(':');
      Object v = e.getValue();
      if (v == null) {
        sb.append(" null");
      } else if (v instanceof List<?> list && list.isEmpty()) {
        sb.append(" []");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(' ').append(v);
      } else {
        sb.append(' ').append(YamlScalars.string(v.toString()));
      }
      sb.append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Made on first use, on the logger's thread: creating a {@link SecureRandom} initializes the JDK's
   * security providers, about 10 ms that the training call which builds this tracker need not wait.
   */
  private static final class ExperimentIds {
    static final SecureRandom RANDOM = new SecureRandom();
  }
}
