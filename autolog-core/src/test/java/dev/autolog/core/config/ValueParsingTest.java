package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsingTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private ConfigResult load(String agentArgs) {
    return new Inputs(workingDirectory, home).agent(agentArgs).load();
  }

  @ParameterizedTest
  @CsvSource({"true,true", "TRUE,true", "Yes,true", "yes,true", "1,true",
      "false,false", "False,false", "NO,false", "no,false", "0,false"})
  void booleans(String text, boolean expected) {
    ConfigResult result = load("nested=" + text + ",log_models=" + text);
    assertEquals(List.of(), result.errors());
    assertEquals(expected, result.config().nested());
    assertEquals(expected, result.config().logModels());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nested", "log_models", "run_per_call", "dl4j.enabled",
      "tribuo.enabled", "tracking_insecure_tls"})
  void badBooleanNamesTheAcceptedValues(String key) {
    ConfigResult result = load(key + "=maybe");
    assertEquals(1, result.errors().size(), Inputs.errorText(result));
    ConfigProblem problem = result.errors().get(0);
    assertEquals(key, problem.key());
    assertEquals("invalid setting " + key + " (agent argument) = \"maybe\": not a boolean;"
        + " use one of true, false, yes, no, 1, 0", problem.message());
  }

  @ParameterizedTest
  @CsvSource({"log_every_n_iterations,1", "log_every_n_iterations,500", "flush_timeout_ms,0",
      "finish_grace_ms,0", "queue_capacity,1000", "queue_capacity,2147483647",
      "flush_timeout_ms,9999999999"})
  void numbersInRange(String key, long value) {
    ConfigResult result = load(key + "=" + value);
    assertEquals(List.of(), result.errors(), Inputs.errorText(result));
    AutologConfig config = result.config();
    long actual = switch (key) {
      case "log_every_n_iterations" -> config.logEveryNIterations();
      case "flush_timeout_ms" -> config.flushTimeoutMillis();
      case "finish_grace_ms" -> config.finishGraceMillis();
      default -> config.queueCapacity();
    };
    assertEquals(value, actual);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "log_every_n_iterations | 0 | must be at least 1",
      "log_every_n_iterations | -3 | must be at least 1",
      "log_every_n_iterations | abc | not a whole number",
      "log_every_n_iterations | 1.5 | not a whole number",
      "flush_timeout_ms | -1 | must be at least 0",
      "finish_grace_ms | -1 | must be at least 0",
      "finish_grace_ms | soon | not a whole number",
      "queue_capacity | 999 | must be at least 1000",
      "queue_capacity | 2147483648 | must be at most 2147483647",
  })
  void numbersOutOfRange(String key, String text, String reason) {
    ConfigResult result = load(key + "=" + text);
    assertEquals(1, result.errors().size(), Inputs.errorText(result));
    ConfigProblem problem = result.errors().get(0);
    assertEquals(key, problem.key());
    assertTrue(problem.message().startsWith(
        "invalid setting " + key + " (agent argument) = \"" + text + "\": " + reason),
        problem.message());
    assertTrue(problem.message().contains("; use a whole number from "), problem.message());
    assertFalse(result.config().enabled());
  }
}
