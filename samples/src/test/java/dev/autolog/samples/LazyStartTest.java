package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent does before {@code main} and when: the JVM's class-loading log of forked jobs under
 * the real agent jar shows that the weaver (ASM), the tracker and the logger load only once DL4J does, and
 * not at all in a job that never uses DL4J or Tribuo. (Timings are measured by the benchmarks, not
 * asserted here.)
 */
class LazyStartTest {
  @TempDir Path dir;

  @Test
  void aJobThatNeverUsesDl4jOrTribuoLoadsNoneOfTheAgentsMachinery() throws Exception {
    Path log = dir.resolve("classes.log");
    ForkedJob.Result agent = ForkedJob.of(DependencyClashJob.class).withAgent(null)
        .jvmArg("-Xlog:class+load=info:file=" + log).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    List<String> loaded = loadedClasses(log);

    assertTrue(loaded.contains("dev.autolog.agent.LazyInstaller"), "the agent is attached and enabled");
    // ASM, Jackson, the bridge, the hooks, the tracker, the logger and the run manager.
    for (String prefix : List.of("dev.autolog.shaded.", "dev.autolog.bootstrap.", "dev.autolog.dl4j.Dl4jHooks",
        "dev.autolog.tribuo.TribuoHooks", "dev.autolog.core.tracking.FileStoreTracker",
        "dev.autolog.core.logger.AsyncLogger", "dev.autolog.core.run.RunManager")) {
      assertEquals(List.of(), loaded.stream().filter(c -> c.startsWith(prefix)).toList(), prefix);
    }
    assertEquals(List.of(), agent.agentLines());
    assertFalse(Files.exists(agent.mlruns()));
  }

  @Test
  void theWeaverLoadsWithDl4jAndTheRuntimeStartsWithTheFirstFit() throws Exception {
    Path log = dir.resolve("classes.log");
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("regression").withAgent(null)
        .jvmArg("-Xlog:class+load=info:file=" + log).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    List<String> loaded = loadedClasses(log);

    int main = loaded.indexOf("dev.autolog.samples.Dl4jLegacyJob");
    int firstDl4j = indexOfFirst(loaded, "org.deeplearning4j.");
    int bridge = loaded.indexOf("dev.autolog.bootstrap.Dl4jBridge");
    int asm = indexOfFirst(loaded, "dev.autolog.shaded.net.bytebuddy.");
    int network = loaded.indexOf("org.deeplearning4j.nn.multilayer.MultiLayerNetwork");
    int logger = loaded.indexOf("dev.autolog.core.logger.AsyncLogger");
    // A class is logged once defined, i.e. after the transformers have seen it. DL4J classes without
    // the module's class-file markers load before the weaver is built; the first with one builds it.
    assertTrue(main >= 0 && asm > main && bridge > main, "nothing is installed before main");
    assertTrue(firstDl4j >= 0 && firstDl4j < asm, "DL4J classes holding no marker do not install the instrumentation");
    assertTrue(network > asm && network > bridge, "which is in place when the network class loads");
    assertTrue(logger > network, "the runtime starts with the first training call");
    // The weaver needs ASM only: none of Byte Buddy's own machinery (AgentBuilder, Advice, type pools) loads.
    List<String> shaded = loaded.stream().filter(c -> c.startsWith("dev.autolog.shaded.net.bytebuddy.")).toList();
    assertEquals(List.of(), shaded.stream().filter(c -> !c.startsWith("dev.autolog.shaded.net.bytebuddy.jar.asm.")).toList());
    assertTrue(shaded.size() < 60, shaded.size() + " ASM classes: " + shaded);
    // The bridge exists once, defined by the agent (in the bootstrap loader), never loaded from the agent jar.
    List<String> bridgeLines = Files.readAllLines(log).stream().filter(l -> l.contains(" dev.autolog.bootstrap.")).toList();
    assertEquals(4, bridgeLines.size(), bridgeLines.toString());
    bridgeLines.forEach(l -> assertTrue(l.endsWith("source: __JVM_DefineClass__"), l));
    assertEquals(1, new MlflowFileStore(agent.mlruns()).runs("0").size());
  }

  /** Class names in the order a {@code -Xlog:class+load} file lists them. */
  private static List<String> loadedClasses(Path log) throws Exception {
    List<String> names = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      int start = line.indexOf("[class,load] ");
      if (start >= 0) {
        String rest = line.substring(start + "[class,load] ".length());
        int space = rest.indexOf(' ');
        names.add(space < 0 ? rest : rest.substring(0, space));
      }
    }
    assertTrue(names.size() > 100, "no class-loading log in " + log);
    return names;
  }

  private static int indexOfFirst(List<String> names, String prefix) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
