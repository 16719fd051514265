package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecedenceTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  @Test
  void eachSourceWinsOverTheOnesBelowIt() {
    Path yaml = new Inputs(workingDirectory, home).file("autolog.yaml",
        "tracking_uri: http://yaml:5000\nexperiment_name: from-yaml\n");
    Inputs inputs = new Inputs(workingDirectory, home)
        .agent("tracking_uri=http://agent:5000")
        .property("autolog.tracking_uri", "http://property:5000")
        .env("AUTOLOG_TRACKING_URI", "http://autolog-env:5000")
        .env("MLFLOW_TRACKING_URI", "http://mlflow-env:5000");

    assertWinner(inputs.load(), "http://agent:5000", "agent argument");

    inputs.agent(null);
    assertWinner(inputs.load(), "http://property:5000", "system property autolog.tracking_uri");

    inputs.removeProperty("autolog.tracking_uri");
    assertWinner(inputs.load(), "http://autolog-env:5000", "environment AUTOLOG_TRACKING_URI");

    inputs.removeEnv("AUTOLOG_TRACKING_URI");
    assertWinner(inputs.load(), "http://yaml:5000", "config file " + yaml);

    Inputs.file(yaml, "experiment_name: from-yaml\n", "rw-------");
    assertWinner(inputs.load(), "http://mlflow-env:5000", "environment MLFLOW_TRACKING_URI");

    inputs.removeEnv("MLFLOW_TRACKING_URI");
    ConfigResult last = inputs.load();
    assertNull(last.config().trackingUri());
    assertEquals("default", last.config().sourceOf("tracking_uri"));
    assertEquals("from-yaml", last.config().experimentName());
  }

  private static void assertWinner(ConfigResult result, String uri, String source) {
    assertEquals(List.of(), result.errors());
    assertEquals(uri, result.config().trackingUri());
    assertEquals(source, result.config().sourceOf("tracking_uri"));
  }

  @Test
  void dottedKeysFromPropertiesAndEnvironment() {
    Inputs inputs = new Inputs(workingDirectory, home)
        .property("autolog.dl4j.enabled", "false")
        .env("AUTOLOG_TRIBUO_ENABLED", "no");
    AutologConfig config = inputs.load().config();
    assertFalse(config.dl4jEnabled());
    assertFalse(config.tribuoEnabled());
    assertEquals("system property autolog.dl4j.enabled", config.sourceOf("dl4j.enabled"));
    assertEquals("environment AUTOLOG_TRIBUO_ENABLED", config.sourceOf("tribuo.enabled"));
  }

  @Test
  void mlflowEnvironmentNames() {
    Path cert = new Inputs(workingDirectory, home).file("ca.pem", "cert");
    AutologConfig config = new Inputs(workingDirectory, home)
        .env("MLFLOW_TRACKING_URI", "https://mlflow.example.com")
        .env("MLFLOW_TRACKING_USERNAME", "alice")
        .env("MLFLOW_TRACKING_PASSWORD", "pw")
        .env("MLFLOW_TRACKING_TOKEN", "tok")
        .env("MLFLOW_TRACKING_SERVER_CERT_PATH", cert.toString())
        .env("MLFLOW_EXPERIMENT_NAME", "exp")
        .env("DATABRICKS_HOST", "https://dbc.example.com")
        .load().config();
    assertEquals("https://mlflow.example.com", config.trackingUri());
    assertEquals("alice", config.trackingUsername());
    assertEquals("pw", config.trackingPassword());
    assertEquals("tok", config.trackingToken());
    assertEquals(cert.toString(), config.trackingServerCertPath());
    assertEquals("exp", config.experimentName());
    assertEquals("https://dbc.example.com", config.databricksHost());
    assertEquals("environment MLFLOW_TRACKING_PASSWORD", config.sourceOf("tracking_password"));
    assertEquals("environment DATABRICKS_HOST", config.sourceOf("databricks_host"));

    AutologConfig insecure = new Inputs(workingDirectory, home)
        .env("MLFLOW_TRACKING_INSECURE_TLS", "true").load().config();
    assertTrue(insecure.trackingInsecureTls());
  }

  @Test
  void databricksTokenCountsOnlyForDatabricksUris() {
    Inputs inputs = new Inputs(workingDirectory, home)
        .env("DATABRICKS_TOKEN", "dapi123")
        .env("DATABRICKS_HOST", "https://dbc.example.com");
    assertNull(inputs.load().config().trackingToken());

    inputs.env("MLFLOW_TRACKING_URI", "http://localhost:5000");
    assertNull(inputs.load().config().trackingToken());

    inputs.env("MLFLOW_TRACKING_URI", "databricks");
    AutologConfig config = inputs.load().config();
    assertEquals("dapi123", config.trackingToken());
    assertEquals("environment DATABRICKS_TOKEN", config.sourceOf("tracking_token"));

    inputs.env("MLFLOW_TRACKING_URI", "databricks://prod");
    assertEquals("dapi123", inputs.load().config().trackingToken());

    // MLflow's own name wins over Databricks' name.
    inputs.env("MLFLOW_TRACKING_TOKEN", "mlflow-token");
    assertEquals("mlflow-token", inputs.load().config().trackingToken());
  }

  @Test
  void tagsMergeAcrossSourcesHigherOverridingTheSameName() {
    new Inputs(workingDirectory, home).file("autolog.yaml",
        "tags:\n  team: yaml-team\n  stage: yaml-stage\n  only_yaml: y\n");
    Inputs inputs = new Inputs(workingDirectory, home)
        .agent("tags=team:agent-team")
        .property("autolog.tags.stage", "property-stage")
        .env("AUTOLOG_TAGS", "stage:env-stage;env_only:e")
        .env("AUTOLOG_TAGS_OWNER", "env-owner");
    ConfigResult result = inputs.load();
    assertEquals(List.of(), result.errors());
    Map<String, String> tags = result.config().tags();
    assertEquals("agent-team", tags.get("team"));
    assertEquals("property-stage", tags.get("stage"));
    assertEquals("y", tags.get("only_yaml"));
    assertEquals("e", tags.get("env_only"));
    assertEquals("env-owner", tags.get("owner"));
    assertEquals(5, tags.size());
    AutologConfig config = result.config();
    assertEquals("agent argument", config.sourceOf("tags.team"));
    assertEquals("system property autolog.tags.stage", config.sourceOf("tags.stage"));
    assertEquals("environment AUTOLOG_TAGS_OWNER", config.sourceOf("tags.owner"));
    assertTrue(config.sourceOf("tags.only_yaml").startsWith("config file "));
    assertEquals("agent argument", config.sourceOf("tags"));
  }

  @Test
  void tagsAreUnmodifiable() {
    Map<String, String> tags = new Inputs(workingDirectory, home).agent("tags.a=1").load()
        .config().tags();
    try {
      tags.put("b", "2");
    } catch (UnsupportedOperationException expected) {
      return;
    }
    throw new AssertionError("tags must be unmodifiable");
  }

  @Test
  void blankValueFallsThroughToTheNextSource() {
    AutologConfig config = new Inputs(workingDirectory, home)
        .agent("experiment_name=")
        .env("AUTOLOG_EXPERIMENT_NAME", "  ")
        .env("MLFLOW_EXPERIMENT_NAME", "mlflow-exp")
        .load().config();
    assertEquals("mlflow-exp", config.experimentName());
    assertEquals("environment MLFLOW_EXPERIMENT_NAME", config.sourceOf("experiment_name"));
  }

  @Test
  void allOperationalKeys() {
    AutologConfig config = new Inputs(workingDirectory, home)
        .agent("flush_timeout_ms=0,finish_grace_ms=500,queue_capacity=1000,run_per_call=yes,"
            + "log_models=0,run_info_file=out/runs.json")
        .load().config();
    assertEquals(0, config.flushTimeoutMillis());
    assertEquals(500, config.finishGraceMillis());
    assertEquals(1000, config.queueCapacity());
    assertTrue(config.runPerCall());
    assertFalse(config.logModels());
    assertEquals(workingDirectory.resolve("out/runs.json").toString(), config.runInfoFile());
  }
}
