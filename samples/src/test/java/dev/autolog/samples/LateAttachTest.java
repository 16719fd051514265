package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autolog.samples.MlflowFileStore.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent attached to a running job (agentmain) whose DL4J classes are loaded and in use already:
 * they are retransformed, and the training after the attach is logged like a training under
 * {@code -javaagent}. Forked JVM, real agent jar.
 */
class LateAttachTest {
  @TempDir Path dir;

  @Test
  void trainingAfterALateAttachIsLoggedAndTheOneBeforeIsNot() throws Exception {
    ForkedJob.Result job = ForkedJob.of(LateAttachJob.class).jvmArg("-Djdk.attach.allowAttachSelf=true")
        .args(ForkedJob.AGENT_JAR.toString()).runIn(dir);
    assertEquals(0, job.exitCode(), job::toString);
    // Both trainings are the same seeded model: the same output before and after the attach.
    String[] halves = job.stdout().split("attached\n");
    assertEquals(halves[0], halves[1].replace("done\n", ""));

    Map<String, Run> runs = new MlflowFileStore(job.mlruns()).runs("0");
    assertEquals(List.of("MultiLayerNetwork-1"), List.copyOf(runs.keySet()), job.toString());
    Run run = runs.get("MultiLayerNetwork-1");
    assertEquals(LongStream.range(0, 100).boxed().toList(), run.steps("loss"), "the second training only");
    String mse = job.stdout().lines().filter(l -> l.startsWith("regression.averageMSE=")).findFirst().orElseThrow();
    assertEquals(mse, "regression.averageMSE=" + Dl4jLegacyJob.fmt(run.last("eval_mse")));
    assertEquals(3, run.status());
  }
}
