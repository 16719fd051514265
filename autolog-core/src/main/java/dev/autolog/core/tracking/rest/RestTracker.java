package dev.autolog.core.tracking.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.MlModelFile;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records runs on an MLflow tracking server through its REST API (MLflow 2.x and 3.x, and
 * Databricks-managed MLflow).
 *
 * <ul>
 *   <li>Experiments are looked up by name and created when missing; two jobs creating the same
 *       experiment at once both succeed (RESOURCE_ALREADY_EXISTS means: read it again).
 *   <li>Metric values NaN and ±Infinity go out as the strings MLflow's own client sends; a bare
 *       NaN literal would be stored as 0 by the server.
 *   <li>Artifacts go through the server's proxied artifact API for {@code mlflow-artifacts:}
 *       roots, are copied for {@code file:} roots this machine reaches, go to signed URLs on
 *       Databricks, and are skipped with one warning for any other root.
 *   <li>Models become MLflow 3 LoggedModels on servers that have that API, and are uploaded under
 *       the run with {@code runs/log-model} on 2.x servers. Which one is detected once.
 * </ul>
 */
public final class RestTracker implements Tracker {
  private static final String API = "api/2.0/mlflow/";
  /** MLflow's client waits 120 s per request; the journal makes a shorter bound safe. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

  private final MlflowHttp http;
  private final String displayUri;
  private final boolean databricks;
  private final Map<String, String> experimentIds = new HashMap<>();
  private Boolean loggedModelsSupported;

  /**
   * A tracker for the server at {@code baseUrl}.
   *
   * @param displayUri how to show the server in messages and run links (no credentials)
   * @param databricks whether the server is Databricks-managed MLflow
   */
  public RestTracker(String baseUrl, String displayUri, Credentials credentials, String caBundle, String clientCert,
      boolean insecureTls, boolean databricks, RetryPolicy retry) {
    this(baseUrl, displayUri, credentials, caBundle, clientCert, insecureTls, databricks, retry, DEFAULT_TIMEOUT_MILLIS);
  }

  /** As the constructor above, with each request (and each read or write in it) bounded by {@code timeoutMillis}. */
  public RestTracker(String baseUrl, String displayUri, Credentials credentials, String caBundle, String clientCert,
      boolean insecureTls, boolean databricks, RetryPolicy retry, long timeoutMillis) {
    this.http = new MlflowHttp(baseUrl, credentials, caBundle, clientCert, insecureTls, retry, timeoutMillis);
    this.displayUri = displayUri;
    this.databricks = databricks;
  }

  @Override
  public String getOrCreateExperiment(String name) throws IOException {
    if (name == null) {
      if (!databricks) {
        return "0"; // MLflow's Default experiment
      }
      name = "/Shared/autolog"; // Databricks has no usable Default experiment
    }
    if (databricks && !name.startsWith("/")) {
      name = "/" + name; // Databricks experiment names are workspace paths (as ZenML does it)
    }
    String cached = experimentIds.get(name);
    if (cached != null) {
      return cached;
    }
    String id = findExperiment(name);
    if (id == null) {
      ObjectNode body = JsonMapper.JSON.createObjectNode().put("name", name);
      try {
        id = http.post(API + "experiments/create", body).path("experiment_id").asText();
      } catch (MlflowApiException e) {
        if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
          throw e;
        }
        // Another job created it meanwhile.
        id = findExperiment(name);
        if (id == null) {
          throw e;
        }
      }
    }
    experimentIds.put(name, id);
    return id;
  }

  private String findExperiment(String name) throws IOException {
    try {
      JsonNode experiment = http.get(API + "experiments/get-by-name", Map.of("experiment_name", name)).path("experiment");
      if ("deleted".equals(experiment.path("lifecycle_stage").asText())) {
        throw new IOException("experiment '" + name + "' is deleted on " + displayUri
            + "; restore it in the MLflow UI or choose another experiment_name");
      }
      return experiment.path("experiment_id").asText();
    } catch (MlflowApiException e) {
      if (e.status() == 404 && "RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
      throws IOException {
    ObjectNode body = JsonMapper.JSON.createObjectNode()
        .put("experiment_id", experimentId)
        .put("run_name", runName)
        .put("start_time", startTime);
    body.set("tags", keyValues(tags));
    JsonNode info = http.post(API + "runs/create", body).path("run").path("info");
    return new RunInfo(info.path("run_id").asText(), info.path("experiment_id").asText(experimentId),
        info.path("artifact_uri").asText(""));
  }

  @Override
  public RunInfo findRun(String experimentId, String runName, long startTime) throws IOException {
    if (runName.contains("'")) {
      return null; // cannot be quoted in a search filter; a duplicate run is the lesser harm
    }
    ObjectNode body = JsonMapper.JSON.createObjectNode()
        .put("filter", "attributes.run_name = '" + runName + "' and attributes.start_time = " + startTime)
        .put("max_results", 1);
    body.putArray("experiment_ids").add(experimentId);
    JsonNode runs = http.post(API + "runs/search", body).path("runs");
    if (runs.isEmpty()) {
      return null;
    }
    JsonNode info = runs.get(0).path("info");
    return new RunInfo(info.path("run_id").asText(), info.path("experiment_id").asText(experimentId),
        info.path("artifact_uri").asText(""));
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException {
    if (metrics.isEmpty() && params.isEmpty() && tags.isEmpty()) {
      return;
    }
    try {
      http.post(API + "runs/log-batch", batch(runId, metrics, params, tags));
    } catch (MlflowApiException e) {
      boolean paramConflict = !params.isEmpty() && e.status() == 400
          && e.getMessage().contains("Changing param values is not allowed");
      if (!paramConflict) {
        throw e;
      }
      // A changed param must not cost the batch's metrics and tags.
      http.post(API + "runs/log-batch", batch(runId, metrics, Map.of(), tags));
      throw e;
    }
  }

  private static ObjectNode batch(String runId, List<Metric> metrics, Map<String, String> params,
      Map<String, String> tags) {
    ObjectNode body = JsonMapper.JSON.createObjectNode().put("run_id", runId);
    ArrayNode m = body.putArray("metrics");
    for (Metric metric : metrics) {
      ObjectNode point = m.addObject().put("key", metric.key());
      double v = metric.value();
      if (Double.isNaN(v)) {
        point.put("value", "NaN");
      } else if (Double.isInfinite(v)) {
        point.put("value", v > 0 ? "Infinity" : "-Infinity");
      } else {
        point.put("value", v);
      }
      point.put("timestamp", metric.timestamp()).put("step", metric.step());
    }
    body.set("params", keyValues(params));
    body.set("tags", keyValues(tags));
    return body;
  }

  private static ArrayNode keyValues(Map<String, String> values) {
    ArrayNode array = JsonMapper.JSON.createArrayNode();
    values.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
    return array;
  }

  @Override
  public void updateRun(String runId, RunStatus status, Long endTime) throws IOException {
    ObjectNode body = JsonMapper.JSON.createObjectNode().put("run_id", runId).put("status", status.name());
    if (endTime != null) {
      body.put("end_time", endTime);
    }
    http.post(API + "runs/update", body);
  }

  @Override
  public void logArtifact(RunInfo run, String artifactPath, Path file) throws IOException {
    upload(run.runId(), run.artifactUri(), artifactPath, file);
  }

  /** Puts {@code file} at {@code path} below the artifact root {@code root}. */
  private void upload(String runId, String root, String path, Path file) throws IOException {
    if (root.startsWith("mlflow-artifacts:")) {
      // mlflow-artifacts:/<exp>/<run>/artifacts or mlflow-artifacts://host/<exp>/<run>/artifacts
      String rootPath = root.substring("mlflow-artifacts:".length());
      if (rootPath.startsWith("//")) {
        int slash = rootPath.indexOf('/', 2);
        rootPath = slash < 0 ? "" : rootPath.substring(slash);
      }
      rootPath = rootPath.replaceAll("^/+", "").replaceAll("/+$", "");
      http.put("api/2.0/mlflow-artifacts/artifacts/" + rootPath + "/" + path, file);
    } else if (root.startsWith("file:")) {
      Path target = Path.of(URI.create(root)).resolve(path).normalize();
      Files.createDirectories(target.getParent());
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    } else if (databricks && root.startsWith("dbfs:")) {
      uploadToDatabricks(runId, path, file);
    } else {
      AgentLog.warnOnce("artifact-root-" + root.replaceAll(":.*", ""),
          "artifacts were not uploaded: the run's artifact root " + root.replaceAll("\\?.*", "")
              + " is not served by the tracking server (start it with --serve-artifacts) nor a local path;"
              + " params, metrics and tags are logged as usual");
    }
  }

  /** Databricks: ask for a signed URL, then put the file there. */
  private void uploadToDatabricks(String runId, String path, Path file) throws IOException {
    ObjectNode body = JsonMapper.JSON.createObjectNode().put("run_id", runId);
    body.putArray("path").add(path);
    JsonNode infos = http.post(API + "artifacts/credentials-for-write", body).path("credential_infos");
    if (!infos.isArray() || infos.isEmpty()) {
      throw new IOException("Databricks gave no upload credentials for artifact " + path);
    }
    JsonNode info = infos.get(0);
    Map<String, String> headers = new LinkedHashMap<>();
    for (JsonNode h : info.path("headers")) {
      headers.put(h.path("name").asText(), h.path("value").asText());
    }
    String type = info.path("type").asText();
    if (type.startsWith("AZURE")) {
      headers.putIfAbsent("x-ms-blob-type", "BlockBlob");
    }
    http.putSigned(info.path("signed_uri").asText(), file, headers);
  }

  @Override
  public void logModel(RunInfo run, ModelArtifact model) throws IOException {
    if (supportsLoggedModels()) {
      logLoggedModel(run, model);
    } else {
      for (Map.Entry<String, Path> file : model.files().entrySet()) {
        logArtifact(run, model.artifactPath() + "/" + file.getKey(), file.getValue());
      }
      uploadText(run.runId(), run.artifactUri(), model.artifactPath() + "/MLmodel",
          MlModelFile.render(model, run.runId(), null));
      ObjectNode body = JsonMapper.JSON.createObjectNode().put("run_id", run.runId());
      Map<String, Object> json = MlModelFile.historyEntry(model, run.runId());
      body.put("model_json", JsonMapper.JSON.writeValueAsString(json));
      http.post(API + "runs/log-model", body);
    }
  }

  /** MLflow 3: a LoggedModel linked to its run, with its files in the model's own artifact location. */
  private void logLoggedModel(RunInfo run, ModelArtifact model) throws IOException {
    ObjectNode create = JsonMapper.JSON.createObjectNode()
        .put("experiment_id", run.experimentId())
        .put("name", model.artifactPath())
        .put("source_run_id", run.runId());
    create.put("model_type", String.join(",", model.flavors().keySet()));
    JsonNode info = http.post(API + "logged-models", create).path("model").path("info");
    String modelId = info.path("model_id").asText();
    String root = info.path("artifact_uri").asText();
    String status = "LOGGED_MODEL_UPLOAD_FAILED";
    try {
      for (Map.Entry<String, Path> file : model.files().entrySet()) {
        upload(run.runId(), root, file.getKey(), file.getValue());
      }
      uploadText(run.runId(), root, "MLmodel", MlModelFile.render(model, run.runId(), modelId));
      status = "LOGGED_MODEL_READY";
    } finally {
      http.patch(API + "logged-models/" + modelId,
          JsonMapper.JSON.createObjectNode().put("model_id", modelId).put("status", status));
    }
    ObjectNode outputs = JsonMapper.JSON.createObjectNode().put("run_id", run.runId());
    outputs.putArray("models").addObject().put("model_id", modelId).put("step", 0);
    http.post(API + "runs/outputs", outputs);
  }

  private void uploadText(String runId, String root, String path, String text) throws IOException {
    Path tmp = Files.createTempFile("autolog-", ".txt");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      upload(runId, root, path, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Whether the server has MLflow 3's logged-models API: asking for a model that does not exist
   * gets MLflow's JSON RESOURCE_DOES_NOT_EXIST there, and the generic HTML 404 page on 2.x.
   */
  private boolean supportsLoggedModels() throws IOException {
    if (loggedModelsSupported == null) {
      try {
        http.get(API + "logged-models/m-00000000000000000000000000000000", Map.of());
        loggedModelsSupported = true;
      } catch (MlflowApiException e) {
        loggedModelsSupported = e.errorCode() != null && e.status() != 405;
      }
      AgentLog.debug("logged-models API " + (loggedModelsSupported ? "present" : "absent") + " on " + displayUri);
    }
    return loggedModelsSupported;
  }

  @Override
  public String runLocation(RunInfo run) {
    String base = displayUri.replaceAll("/+$", "");
    if (databricks) {
      return base + "/ml/experiments/" + run.experimentId() + "/runs/" + run.runId();
    }
    return base + "/#/experiments/" + run.experimentId() + "/runs/" + run.runId();
  }

  @Override
  public String describe() {
    return (databricks ? "Databricks MLflow " : "MLflow server ") + displayUri;
  }

  /** OkHttp's client is thread-safe, and a batch request touches no other state of this tracker. */
  @Override
  public boolean concurrentBatches() {
    return true;
  }

  @Override
  public void abort() {
    http.abort();
  }

  @Override
  public void close() {
    http.close();
  }
}
