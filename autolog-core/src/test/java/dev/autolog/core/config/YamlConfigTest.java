package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private Inputs inputs() {
    return new Inputs(workingDirectory, home);
  }

  @Test
  void discoversAutologYamlInTheWorkingDirectory() {
    Path yaml = inputs().file("autolog.yaml", "experiment_name: discovered\n");
    AutologConfig config = inputs().load().config();
    assertEquals("discovered", config.experimentName());
    assertEquals("config file " + yaml, config.sourceOf("experiment_name"));
  }

  @Test
  void withoutAnyFileNothingIsRead() {
    ConfigResult result = inputs().load();
    assertEquals(List.of(), result.errors());
    assertEquals(List.of(), result.warnings());
  }

  @Test
  void nestedMappingsStandForDottedKeys() {
    inputs().file("autolog.yaml", "dl4j:\n  enabled: false\ntribuo.enabled: no\n");
    AutologConfig config = inputs().load().config();
    assertFalse(config.dl4jEnabled());
    assertFalse(config.tribuoEnabled());
  }

  @Test
  void tagsAreAMapping() {
    inputs().file("autolog.yaml", "tags:\n  team: ml\n  stage: dev\n  version: 2\n"
        + "tags.extra: x\n");
    assertEquals(Map.of("team", "ml", "stage", "dev", "version", "2", "extra", "x"),
        inputs().load().config().tags());
  }

  @Test
  void tagsMayAlsoUseTheListForm() {
    inputs().file("autolog.yaml", "tags: \"team:ml;stage:dev\"\n");
    assertEquals(Map.of("team", "ml", "stage", "dev"), inputs().load().config().tags());
  }

  @Test
  void everyDocumentedKeyIsReadFromYaml() {
    Path cert = inputs().file("ca.pem", "cert");
    inputs().file("autolog.yaml", String.join("\n",
        "tracking_uri: https://mlflow.example.com",
        "tracking_username: alice",
        "tracking_password: \"{{env:PW}}\"",
        "tracking_server_cert_path: ca.pem",
        "experiment_name: exp",
        "run_name: run",
        "nested: true",
        "log_models: false",
        "log_every_n_iterations: 10",
        "run_info_file: runs.json",
        "run_per_call: true",
        "flush_timeout_ms: 1",
        "finish_grace_ms: 2",
        "queue_capacity: 5000",
        ""));
    ConfigResult result = inputs().env("PW", "pw").load();
    assertEquals(List.of(), result.errors());
    AutologConfig config = result.config();
    assertEquals("https://mlflow.example.com", config.trackingUri());
    assertEquals("alice", config.trackingUsername());
    assertEquals("pw", config.trackingPassword());
    assertEquals(cert.toString(), config.trackingServerCertPath());
    assertEquals("exp", config.experimentName());
    assertEquals("run", config.runName());
    assertTrue(config.nested());
    assertFalse(config.logModels());
    assertEquals(10, config.logEveryNIterations());
    assertEquals(workingDirectory.resolve("runs.json").toString(), config.runInfoFile());
    assertTrue(config.runPerCall());
    assertEquals(1, config.flushTimeoutMillis());
    assertEquals(2, config.finishGraceMillis());
    assertEquals(5000, config.queueCapacity());
  }

  @Test
  void scalarsAreReadExactlyAsWritten() {
    inputs().file("autolog.yaml", "tracking_username: u\ntracking_password: 0123\n"
        + "run_name: 1.50\nexperiment_name: 0x1F\n");
    AutologConfig config = inputs().load().config();
    assertEquals("0123", config.trackingPassword());
    assertEquals("1.50", config.runName());
    assertEquals("0x1F", config.experimentName());
  }

  @Test
  void emptyValuesAndEmptyFilesMeanUnset() throws IOException {
    inputs().file("autolog.yaml", "run_name:\nexperiment_name: ~\n");
    ConfigResult result = inputs().load();
    assertEquals(List.of(), result.errors());
    assertNull(result.config().runName());

    inputs().file("autolog.yaml", "");
    assertEquals(List.of(), inputs().load().errors());
  }

  @Test
  void explicitConfigFromAgentArgumentResolvesAgainstTheWorkingDirectory() {
    Path yaml = inputs().file("conf/my.yaml", "experiment_name: from-agent-config\n");
    inputs().file("autolog.yaml", "experiment_name: discovered\n");
    AutologConfig config = inputs().agent("config=conf/my.yaml,run_name=r").load().config();
    assertEquals("from-agent-config", config.experimentName());
    assertEquals("config file " + yaml, config.sourceOf("experiment_name"));
    assertEquals("agent argument", config.sourceOf("config"));
  }

  @Test
  void configPathPrecedenceAgentThenPropertyThenEnvironment() {
    inputs().file("a.yaml", "experiment_name: a\n");
    inputs().file("p.yaml", "experiment_name: p\n");
    inputs().file("e.yaml", "experiment_name: e\n");
    Inputs inputs = inputs().agent("config=a.yaml").property("autolog.config", "p.yaml")
        .env("AUTOLOG_CONFIG", "e.yaml");
    assertEquals("a", inputs.load().config().experimentName());
    inputs.agent(null);
    assertEquals("p", inputs.load().config().experimentName());
    assertEquals("system property autolog.config", inputs.load().config().sourceOf("config"));
    inputs.removeProperty("autolog.config");
    assertEquals("e", inputs.load().config().experimentName());
  }

  @Test
  void configPathExpandsHome() {
    Inputs.file(home.resolve("cfg/autolog.yaml"), "experiment_name: home\n", "rw-------");
    assertEquals("home", inputs().agent("config=~/cfg/autolog.yaml").load().config()
        .experimentName());
  }

  @Test
  void missingExplicitFileIsAnError() {
    ConfigResult result = inputs().agent("config=nope.yaml").load();
    assertEquals(1, result.errors().size());
    ConfigProblem problem = result.errors().get(0);
    assertEquals("config", problem.key());
    assertEquals("agent argument", problem.source());
    assertTrue(problem.message().contains(workingDirectory.resolve("nope.yaml").toString()),
        problem.message());
    assertTrue(problem.message().contains("does not exist"));
    assertFalse(result.config().enabled());
  }

  @Test
  void malformedYamlIsAnErrorNamingTheFileButNotItsContent() {
    Path yaml = inputs().file("autolog.yaml",
        "tracking_password: SECRETVALUE42\nexperiment_name: [unclosed\n  : : :\n");
    ConfigResult result = inputs().load();
    assertEquals(1, result.errors().size(), Inputs.errorText(result));
    String message = result.errors().get(0).message();
    assertTrue(message.contains(yaml.toString()), message);
    assertTrue(message.contains("not valid YAML"), message);
    assertTrue(message.contains("line "), message);
    assertFalse(message.contains("SECRETVALUE42"), message);
    assertFalse(result.config().enabled());
  }

  @Test
  void aDirectoryIsNotAReadableConfigFile() throws IOException {
    Files.createDirectories(workingDirectory.resolve("dir.yaml"));
    ConfigResult result = inputs().property("autolog.config", "dir.yaml").load();
    assertEquals("config", result.errors().get(0).key());
    assertEquals("system property autolog.config", result.errors().get(0).source());
    assertTrue(result.errors().get(0).message().contains("cannot be read"));
  }

  @Test
  void topLevelMustBeAMapping() {
    Path yaml = inputs().file("autolog.yaml", "- a\n- b\n");
    ConfigResult result = inputs().load();
    // A discovered file says so, rather than calling its source "default".
    assertEquals("invalid setting config (found as ./autolog.yaml in the working directory) = \"" + yaml
        + "\": the file is not a YAML mapping of setting names to values; write one setting per line,"
        + " e.g. experiment_name: my-experiment", Inputs.errorText(result));
  }

  @Test
  void listOrMappingForASingleValueSettingIsAnError() {
    inputs().file("autolog.yaml", "experiment_name: [a, b]\nrun_name: {x: 1}\n");
    ConfigResult result = inputs().load();
    String errors = Inputs.errorText(result);
    assertTrue(errors.contains("invalid setting experiment_name (config file"), errors);
    assertTrue(errors.contains("not a list"), errors);
    assertTrue(errors.contains("invalid setting run_name"), errors);
    assertTrue(errors.contains("not a mapping"), errors);
  }

  @Test
  void tagsAsAListIsAnError() {
    inputs().file("autolog.yaml", "tags: [a, b]\n");
    assertTrue(Inputs.errorText(inputs().load()).contains("invalid setting tags"));
  }

  @Test
  void configInsideTheConfigFileIsIgnoredWithAWarning() {
    inputs().file("autolog.yaml", "config: other.yaml\nexperiment_name: x\n");
    ConfigResult result = inputs().load();
    assertEquals(List.of(), result.errors());
    assertTrue(result.warnings().get(0).contains("no effect inside the config file"),
        result.warnings().toString());
  }

  @Test
  void unknownNestedKeysGetADidYouMean() {
    inputs().file("autolog.yaml", "dl4jj:\n  enabled: false\nexperimnt_name: x\n");
    ConfigResult result = inputs().load();
    assertEquals(List.of(), result.errors());
    String warnings = String.join("\n", result.warnings());
    assertTrue(warnings.contains("unknown setting \"dl4jj.enabled\""), warnings);
    assertTrue(warnings.contains("did you mean \"dl4j.enabled\"?"), warnings);
    assertTrue(warnings.contains("did you mean \"experiment_name\"?"), warnings);
    assertTrue(result.config().dl4jEnabled());
  }

  @Test
  void configPathMayBeAReference() {
    Path yaml = inputs().file("x.yaml", "experiment_name: via-env\n");
    assertEquals("via-env", inputs().env("AUTOLOG_CONFIG", "{{env:WHERE}}")
        .env("WHERE", yaml.toString()).load().config().experimentName());
  }
}
