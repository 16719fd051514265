package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnabledTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private Inputs inputs() {
    return new Inputs(workingDirectory, home);
  }

  @Test
  void enabledFalseDisablesAndSkipsValidation() {
    ConfigResult result = inputs()
        .agent("enabled=false,tracking_uri=htp://x,nested=maybe,tracking_password={{env:NOPE}}")
        .env("MLFLOW_TRACKING_USERNAME", "alice")
        .load();
    assertEquals(List.of(), result.errors());
    assertFalse(result.config().enabled());
    assertEquals("agent argument", result.config().sourceOf("enabled"));
  }

  @Test
  void enabledFromEveryForm() {
    assertFalse(inputs().env("AUTOLOG_ENABLED", "no").load().config().enabled());
    assertFalse(inputs().property("autolog.enabled", "0").load().config().enabled());
    inputs().file("autolog.yaml", "enabled: false\n");
    assertFalse(inputs().load().config().enabled());
    // A higher source switches it back on.
    assertTrue(inputs().agent("enabled=true").load().config().enabled());
  }

  @Test
  void badEnabledValueIsAnError() {
    ConfigResult result = inputs().agent("enabled=off").load();
    assertEquals(1, result.errors().size(), Inputs.errorText(result));
    ConfigProblem problem = result.errors().get(0);
    assertEquals("enabled", problem.key());
    assertTrue(problem.message().contains("= \"off\": not a boolean; use one of true, false,"
        + " yes, no, 1, 0"), problem.message());
    assertFalse(result.config().enabled());
  }

  @Test
  void badEnabledValueDoesNotHideOtherErrors() {
    ConfigResult result = inputs().agent("enabled=off,nested=maybe").load();
    assertEquals(2, result.errors().size(), Inputs.errorText(result));
  }

  @Test
  void warningsSurviveWhenDisabled() {
    ConfigResult result = inputs().agent("enabled=false,trackng_uri=x").load();
    assertEquals(List.of(), result.errors());
    assertEquals(1, result.warnings().size());
  }

  @Test
  void enabledByDefault() {
    ConfigResult result = inputs().load();
    assertTrue(result.config().enabled());
    assertEquals("default", result.config().sourceOf("enabled"));
    assertFalse(result.hasErrors());
  }
}
