package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.Autolog;
import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.config.ConfigResult;
import dev.autolog.core.instrumentation.LateAttach;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.run.RunContext;
import dev.autolog.core.run.RunManager;
import dev.autolog.core.tracking.FileStoreTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * The Tribuo module installed into this test JVM the way the agent installs it (the agent's weaver,
 * retransforming Tribuo classes already loaded, as a late attach does), with a real RunManager
 * writing to a file store in a temporary directory. Installed once per JVM, with ONNX export on
 * (the samples' end-to-end test checks that it is off by default).
 */
final class InProcessAgent {
  /**
   * A short grace period, so runs finish (and save their models) within a test; long enough that
   * the logger's worker has caught up with a call before its run is due (tests flush after each
   * action; RunManager's ticker finishing a run whose creation is still queued would drop its end).
   */
  static final String SETTINGS = "finish_grace_ms=500,flush_timeout_ms=10000,tribuo.log_onnx=true";
  private static Path store;
  private static AsyncLogger logger;
  private static final List<String> transformErrors = new CopyOnWriteArrayList<>();

  private InProcessAgent() {}

  /** Installs the agent once; returns the file store all runs go to. */
  static synchronized FileStore install() throws Exception {
    if (store == null) {
      Path dir = Files.createTempDirectory("autolog-tribuo-test-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
      ConfigResult result = ConfigLoader.load(SETTINGS, Map.of(), Map.of(), dir, dir);
      assertEquals(List.of(), result.errors());
      store = dir.resolve("mlruns");
      logger = new AsyncLogger(new FileStoreTracker(store), result.config().queueCapacity());
      RunManager runs = new RunManager(result.config(), logger, new RunContext("tester", "TribuoTest", "tribuo-test", null));
      runs.installTicker();
      logger.start();
      Autolog.install(new Autolog.Runtime(result.config(), runs));

      TribuoInstrumentationModule module = new TribuoInstrumentationModule();
      assertTrue(module.enabled(result.config()));
      // The bridge stays on this JVM's class path (the agent defines it in the bootstrap loader).
      module.connectHooks();
      // As a late attach does (the agent's own code): Tribuo classes loaded already (by JUnit's
      // discovery) are retransformed.
      LateAttach.install(ByteBuddyAgent.install(), List.of(module), TribuoHooks.class.getClassLoader(),
          (name, t) -> transformErrors.add(name + ": " + t));
    }
    assertEquals(List.of(), transformErrors, "the weaver could not instrument some Tribuo classes");
    return new FileStore(store);
  }

  /** Runs {@code action} and returns the runs it created, by name. */
  static Map<String, FileStore.Run> newRuns(FileStore fs, ThrowingRunnable action) throws Exception {
    flush();
    Set<String> before = new HashSet<>(fs.runIds());
    action.run();
    flush();
    Map<String, FileStore.Run> created = new java.util.LinkedHashMap<>();
    List<FileStore.Run> runs = new ArrayList<>();
    for (String id : fs.runIds()) {
      if (!before.contains(id)) {
        runs.add(fs.run(id));
      }
    }
    runs.sort(CREATION_ORDER);
    runs.forEach(r -> created.put(r.name(), r));
    return created;
  }

  /**
   * The order runs were opened in. Start times have millisecond resolution, so ties are broken
   * the way runs are opened: a cross-validation's run before its folds', and runs of one name
   * stem by their counter.
   */
  private static final java.util.Comparator<FileStore.Run> CREATION_ORDER =
      java.util.Comparator.comparingLong(FileStore.Run::startTime)
          .thenComparing(r -> r.name().startsWith("CrossValidation") ? 0 : 1)
          .thenComparing(r -> r.name().replaceAll("-\\d+$", ""))
          .thenComparingInt(r -> Integer.parseInt(r.name().replaceAll("^.*-(\\d+)$", "$1")));

  /**
   * Waits until everything queued so far is written. The RunManager flushes after a call at most
   * once a second, so a test reading the store right after a call flushes first.
   */
  static void flush() {
    assertTrue(logger.flush(10_000), "the logger did not catch up within 10 s");
  }

  private static void deleteRecursively(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // a leftover temporary directory is harmless
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
