package dev.autolog.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookFailuresTest {

  @Test
  void eachKindIsReportedOnceAndTheIntegrationTurnsOffAtTheLimit() {
    HookFailures failures = new HookFailures("TestLib", 3);
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      failures.failed("fit entry", new IllegalStateException("a"));
      failures.failed("fit entry", new IllegalStateException("b"));
      assertFalse(failures.disabled(), "two failures are under the limit");
      failures.failed("fit exit", new NullPointerException());
      assertTrue(failures.disabled());
      failures.failed("fit exit", new NullPointerException());
    } finally {
      System.setErr(original);
    }
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("TestLib autologging failed in fit entry") && lines.get(0).contains(": a"),
        lines.get(0));
    assertTrue(lines.get(1).contains("failed in fit exit"), lines.get(1));
    assertTrue(lines.get(2).contains("TestLib autologging turned itself off after 3 internal failures"), lines.get(2));
  }
}
