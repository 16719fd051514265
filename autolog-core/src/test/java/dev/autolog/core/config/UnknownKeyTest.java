package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownKeyTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private Inputs inputs() {
    return new Inputs(workingDirectory, home);
  }

  private static String onlyWarning(ConfigResult result) {
    assertEquals(List.of(), result.errors());
    assertEquals(1, result.warnings().size(), result.warnings().toString());
    return result.warnings().get(0);
  }

  @Test
  void agentArgument() {
    ConfigResult result = inputs().agent("trackng_uri=http://x").load();
    assertTrue(onlyWarning(result).startsWith(
        "unknown setting \"trackng_uri\" (agent argument); did you mean \"tracking_uri\"?"),
        result.warnings().get(0));
    assertNull(result.config().trackingUri(), "unknown keys are ignored");
    assertTrue(result.config().enabled(), "an unknown key is not an error");
  }

  @Test
  void systemProperty() {
    String warning = onlyWarning(inputs().property("autolog.experiment_nam", "x")
        .property("unrelated.property", "y").load());
    assertTrue(warning.startsWith("unknown setting \"experiment_nam\" (system property"
        + " autolog.experiment_nam); did you mean \"experiment_name\"?"), warning);
  }

  @Test
  void theDebugSwitchIsNotAnUnknownSetting() {
    ConfigResult result = inputs().property("autolog.debug", "true").load();
    assertEquals(List.of(), result.warnings());
    assertEquals(List.of(), result.errors());
  }

  @Test
  void environment() {
    String warning = onlyWarning(inputs().env("AUTOLOG_DL4J_ENABLE", "false")
        .env("PATH", "/bin").load());
    assertTrue(warning.startsWith("unknown setting \"dl4j_enable\" (environment"
        + " AUTOLOG_DL4J_ENABLE); did you mean \"dl4j.enabled\"?"), warning);
  }

  @Test
  void yaml() {
    Path yaml = inputs().file("autolog.yaml", "log_every_n_iteration: 3\n");
    String warning = onlyWarning(inputs().load());
    assertTrue(warning.startsWith("unknown setting \"log_every_n_iteration\" (config file "
        + yaml + "); did you mean \"log_every_n_iterations\"?"), warning);
  }

  @Test
  void aNameCloseToNoSettingGetsNoMisleadingSuggestion() {
    String warning = onlyWarning(inputs().agent("colour=blue").load());
    assertEquals("unknown setting \"colour\" (agent argument); no setting has a similar name (the README's"
        + " Configuration table lists them all). The setting is ignored", warning);
  }

  @Test
  void aPartOfASettingsNameSuggestsThatSetting() {
    assertTrue(onlyWarning(inputs().agent("uri=http://x").load())
        .contains("did you mean \"tracking_uri\"?"));
    assertTrue(onlyWarning(inputs().env("AUTOLOG_MLFLOW_TRACKING_TOKEN", "t").load())
        .contains("did you mean \"tracking_token\"?"));
  }

  @Test
  void debugAsASettingPointsAtTheSystemProperty() {
    String warning = onlyWarning(inputs().env("AUTOLOG_DEBUG", "true").load());
    assertEquals("unknown setting \"debug\" (environment AUTOLOG_DEBUG); debug output is switched on by the system"
        + " property -Dautolog.debug=true only. The setting is ignored", warning);
  }

  @Test
  void suggestionIsTheClosestByEditDistance() {
    assertEquals("queue_capacity", KeySuggester.closest("queue_capasity"));
    assertEquals("tracking_token", KeySuggester.closest("tracking_tokn"));
    assertEquals("secrets_dir", KeySuggester.closest("secret_dir"));
    assertEquals(3, KeySuggester.distance("kitten", "sitting"));
    assertEquals(0, KeySuggester.distance("", ""));
    assertEquals("queue_capacity", KeySuggester.suggest("queue_capasity"));
    assertEquals("tracking_password", KeySuggester.suggest("password"));
    assertNull(KeySuggester.suggest("debgu"));
    assertNull(KeySuggester.suggest("colour"));
  }
}
