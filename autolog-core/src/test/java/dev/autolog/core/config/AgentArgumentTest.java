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

class AgentArgumentTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private ConfigResult load(String agentArgs) {
    return new Inputs(workingDirectory, home).agent(agentArgs).load();
  }

  @Test
  void readsKeyValuePairs() {
    ConfigResult result =
        load("experiment_name=foo,run_name=bar,nested=true,log_every_n_iterations=5");
    assertEquals(List.of(), result.errors());
    AutologConfig config = result.config();
    assertEquals("foo", config.experimentName());
    assertEquals("bar", config.runName());
    assertTrue(config.nested());
    assertEquals(5, config.logEveryNIterations());
    assertEquals("agent argument", config.sourceOf("experiment_name"));
  }

  @Test
  void valuesMayContainEqualsSigns() {
    AutologConfig config = load("run_name=a=b=c,tracking_uri=http://h/x?q=1").config();
    assertEquals("a=b=c", config.runName());
    assertEquals("http://h/x?q=1", config.trackingUri());
  }

  @Test
  void keysAreCaseInsensitiveAndWhitespaceIsTrimmed() {
    AutologConfig config = load(" Experiment_Name = foo , DL4J.Enabled=false ").config();
    assertEquals("foo", config.experimentName());
    assertFalse(config.dl4jEnabled());
  }

  @Test
  void emptyEntriesAreIgnored() {
    ConfigResult result = load(",,experiment_name=foo,,");
    assertEquals("foo", result.config().experimentName());
    assertEquals(List.of(), result.warnings());
    assertEquals(List.of(), result.errors());
  }

  @Test
  void entryWithoutEqualsIsAWarningThatDoesNotEchoIt() {
    // As if a password containing ',' had been split: the tail must not be printed.
    ConfigResult result = load("tracking_username=alice,tracking_password=abc,TAILOFSECRET");
    assertTrue(result.warnings().stream().anyMatch(w -> w.contains("entry 3 has no '='")),
        result.warnings().toString());
    assertFalse(String.join("\n", Inputs.allText(result)).contains("TAILOFSECRET"));
  }

  @Test
  void tagsListAndPerTagKeys() {
    AutologConfig config = load("tags=team:ml;stage:dev;url:http://x:1,tags.owner=bob").config();
    assertEquals(Map.of("team", "ml", "stage", "dev", "url", "http://x:1", "owner", "bob"),
        config.tags());
    assertEquals(List.of("team", "stage", "url", "owner"), List.copyOf(config.tags().keySet()));
    assertEquals("agent argument", config.sourceOf("tags.owner"));
    assertEquals("agent argument", config.sourceOf("tags"));
  }

  @Test
  void tagNamesKeepTheirCase() {
    assertEquals(Map.of("Team", "ml"), load("tags.Team=ml").config().tags());
  }

  @Test
  void tagEntryWithoutColonIsAnError() {
    ConfigResult result = load("tags=team:ml;api_token=NOTPRINTED");
    assertEquals(1, result.errors().size());
    ConfigProblem problem = result.errors().get(0);
    assertEquals("tags", problem.key());
    assertEquals("agent argument", problem.source());
    assertTrue(problem.message().contains("tag entry 2 has no ':'"), problem.message());
    assertFalse(problem.message().contains("NOTPRINTED"), problem.message());
    assertTrue(problem.message().contains("tags=team:ml;stage:dev"), problem.message());
    assertFalse(result.config().enabled());
  }

  @Test
  void emptyTagNameIsAnError() {
    ConfigResult result = load("tags=:x");
    assertEquals("tags", result.errors().get(0).key());
    assertTrue(result.errors().get(0).message().contains("empty name"));
  }

  @Test
  void nullAndBlankArgumentsMeanDefaults() {
    assertEquals(AutologConfig.defaults().toString(), load(null).config().toString());
    assertEquals(AutologConfig.defaults().toString(), load("  ").config().toString());
  }

  @Test
  void nullInputsNeverThrow() {
    ConfigResult result = ConfigLoader.load(null, null, null, workingDirectory, home);
    assertTrue(result.config().enabled());
    assertEquals(List.of(), result.errors());
  }

  @Test
  void garbageNeverThrows() {
    ConfigResult result = load("=,==,=x,\u0000=\u0000,tags=;;:;,config=\u0000");
    // Whatever it says, it says it as values.
    for (String line : Inputs.allText(result)) {
      assertFalse(line.contains("\n"));
    }
  }

  @Test
  void realEnvironmentConvenienceLoads() {
    ConfigResult result = ConfigLoader.load("experiment_name=from-convenience");
    if (!result.hasErrors() && result.config().enabled()) {
      assertEquals("from-convenience", result.config().experimentName());
    }
    assertNull(System.getProperty("autolog.experiment_name"), "must not set system properties");
  }
}
