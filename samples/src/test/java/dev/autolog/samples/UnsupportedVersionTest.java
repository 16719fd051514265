package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.samples.MlflowFileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DL4J the agent does not know: a "future" version whose classes have the names the agent
 * instruments but other shapes. The test compiles such classes (and a job using them) into a
 * directory that a child class loader (ChildLoaderJob) loads instead of the real DL4J, and runs the
 * job with and without the real agent jar in forked JVMs:
 *
 * <ul>
 *   <li>{@code MultiLayerNetwork}'s evaluation funnel {@code doEvaluationHelper} is static, so the
 *       evaluation hook (which needs {@code this}) cannot be applied: the weaver refuses the class,
 *       which then loads unchanged;
 *   <li>{@code ComputationGraph} has a {@code fit(String)} the fit hook applies to, but none of the
 *       methods the hooks then read: every call fails inside the agent.
 * </ul>
 */
class UnsupportedVersionTest {
  private static final String NETWORK = """
      package org.deeplearning4j.nn.multilayer;

      public class MultiLayerNetwork {
        private int fits;

        public String fit(String data) {
          fits++;
          return "network fitted " + data + " (" + fits + ")";
        }

        public static String doEvaluationHelper(Object data, Object evaluations) {
          return "network evaluated " + data;
        }
      }
      """;
  private static final String GRAPH = """
      package org.deeplearning4j.nn.graph;

      public class ComputationGraph {
        public String fit(String data) {
          if (data.equals("bad")) {
            throw new IllegalArgumentException("graph rejects " + data);
          }
          return "graph fitted " + data;
        }
      }
      """;
  private static final String JOB = """
      package future;

      import org.deeplearning4j.nn.graph.ComputationGraph;
      import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

      public class FutureDl4jJob {
        public static void main(String[] args) {
          MultiLayerNetwork network = new MultiLayerNetwork();
          for (int i = 0; i < 3; i++) {
            System.out.println(network.fit("batch" + i));
          }
          System.out.println(MultiLayerNetwork.doEvaluationHelper("test", null));
          ComputationGraph graph = new ComputationGraph();
          for (int i = 0; i < 25; i++) {
            System.out.println(graph.fit("batch" + i));
          }
          try {
            graph.fit("bad");
          } catch (IllegalArgumentException e) {
            System.out.println("caught " + e.getMessage());
          }
          System.out.println("done");
        }
      }
      """;

  @TempDir static Path classes;
  @TempDir Path dir;
  @TempDir Path plainDir;

  @BeforeAll
  static void compileTheFutureDl4j() throws Exception {
    Path sources = Files.createDirectories(classes.resolve("src"));
    List<Path> files = List.of(
        Files.writeString(sources.resolve("MultiLayerNetwork.java"), NETWORK),
        Files.writeString(sources.resolve("ComputationGraph.java"), GRAPH),
        Files.writeString(sources.resolve("FutureDl4jJob.java"), JOB));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new java.util.ArrayList<>(List.of("-d", classes.resolve("out").toString()));
    files.forEach(f -> args.add(f.toString()));
    assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "javac failed");
  }

  @Test
  void aClassOfAnotherShapeIsLeftUnchangedAndEachKindOfFailureIsReportedOnce() throws Exception {
    ForkedJob.Result plain = job(false).runIn(plainDir);
    ForkedJob.Result agent = job(true).runIn(dir);

    assertEquals(0, plain.exitCode(), plain::toString);
    assertEquals(plain.exitCode(), agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    assertEquals(plain.stderr(), agent.stderrWithoutAgent());
    assertTrue(agent.stdout().contains("caught graph rejects bad"), agent.stdout());

    List<String> lines = agent.agentLines();
    assertEquals(1, count(lines, "could not instrument org.deeplearning4j.nn.multilayer.MultiLayerNetwork"),
        lines.toString());
    assertEquals(1, count(lines, "DL4J autologging failed in fit entry"), lines.toString());
    assertEquals(1, count(lines, "DL4J autologging turned itself off after 20 internal failures"), lines.toString());

    // The graph's run was opened by its first call and continued by the next 19; after the 20th
    // failure the integration is off, and the run still ends normally.
    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    assertEquals(List.of("ComputationGraph-1"), List.copyOf(runs.keySet()), agent.toString());
    assertEquals(3, runs.get("ComputationGraph-1").status(), "FINISHED");
  }

  private ForkedJob job(boolean withAgent) {
    ForkedJob forked = ForkedJob.of(ChildLoaderJob.class)
        .classPath(ForkedJob.samplesClasses())
        .jvmArg("-Dchild.classpath=" + classes.resolve("out"))
        .args("future.FutureDl4jJob");
    return withAgent ? forked.withAgent(null) : forked;
  }

  private static long count(List<String> lines, String text) {
    return lines.stream().filter(l -> l.contains(text)).count();
  }
}
