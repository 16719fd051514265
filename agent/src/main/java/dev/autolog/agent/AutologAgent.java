package dev.autolog.agent;

import dev.autolog.core.Autolog;
import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.config.ConfigProblem;
import dev.autolog.core.config.ConfigResult;
import dev.autolog.core.instrumentation.ClassFileFilter;
import dev.autolog.core.instrumentation.HookWeaver;
import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.instrumentation.LateAttach;
import dev.autolog.core.instrumentation.WeavingTransformer;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.run.RunContext;
import dev.autolog.core.run.RunManager;
import dev.autolog.core.tracking.Tracker;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The agent's entry points: {@code premain} for {@code -javaagent:autolog-agent.jar[=args]} and
 * {@code agentmain} for late attach.
 *
 * <p>Start-up never fails the job: every problem becomes one stderr line and autologging turns off,
 * leaving the job exactly as it would run without the agent.
 *
 * <p>Before {@code main}, {@code premain} only reads and checks the configuration and registers a
 * {@link LazyInstaller}, which looks at class names. Everything else waits until it is needed, so a
 * job pays the agent's start-up cost only if (and when) it uses DL4J or Tribuo:
 *
 * <ul>
 *   <li>when the first DL4J or Tribuo class loads, the bridge classes are defined in the bootstrap
 *       class loader ({@link BootstrapBridge}), connected to the modules' hooks, and the
 *       transformer is built (a {@link WeavingTransformer}); it transforms that class and every later one;
 *   <li>when a hook first runs (the first training or evaluation call), the tracker, the logger
 *       thread, the run manager and the shutdown hook are created ({@link #startRuntime}).
 * </ul>
 */
public final class AutologAgent {
  private static final String ATTACHED_PROPERTY = "dev.autolog.agent.attached";
  private static boolean started;

  private AutologAgent() {}

  /** Called by the JVM before {@code main} for {@code -javaagent}. */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /** Called by the JVM when the agent is attached to a running process. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  /**
   * {@code java -jar autolog-agent.jar}: says what the jar is; {@code java -jar autolog-agent.jar
   * sync [journal-dir]} delivers what jobs left in the journal (see {@link SyncCommand}).
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("sync")) {
      System.exit(SyncCommand.run(args, System.out));
    }
    System.out.println("autolog-agent " + version()
        + ": add -javaagent:autolog-agent.jar[=config=autolog.yaml] to a DL4J or Tribuo training job's java command.");
  }

  private static synchronized void start(String args, Instrumentation inst, boolean beforeMain) {
    try {
      // A second copy of the agent (e.g. also in JAVA_TOOL_OPTIONS) stands down.
      if (started || System.getProperty(ATTACHED_PROPERTY) != null) {
        AgentLog.warn("the agent is attached more than once; only the first copy is active");
        return;
      }
      started = true;
      System.setProperty(ATTACHED_PROPERTY, version());
      install(args, inst, beforeMain);
    } catch (Throwable t) {
      AgentLog.error("could not start; autologging is off and the job runs without it", t);
    }
  }

  private static void install(String args, Instrumentation inst, boolean beforeMain) {
    ConfigResult result = ConfigLoader.load(args);
    for (String warning : result.warnings()) {
      AgentLog.warn(warning);
    }
    if (!result.errors().isEmpty()) {
      for (ConfigProblem problem : result.errors()) {
        AgentLog.error(problem.message(), null);
      }
      AgentLog.info("autologging is off because of the invalid setting above; the job runs without it");
      return;
    }
    AutologConfig config = result.config();
    if (!config.enabled()) {
      AgentLog.info("autologging is off (enabled=false, from " + config.sourceOf("enabled") + ")");
      return;
    }
    Supplier<Tracker> tracker = Trackers.resolve(config);
    if (tracker == null) {
      return;
    }
    Trackers.warnIfInsecure(config);
    List<InstrumentationModule> modules = new ArrayList<>();
    for (InstrumentationModule module :
        ServiceLoader.load(InstrumentationModule.class, AutologAgent.class.getClassLoader())) {
      if (module.enabled(config)) {
        modules.add(module);
      }
    }
    if (modules.isEmpty()) {
      AgentLog.info("autologging is off: every integration is disabled");
      return;
    }
    Autolog.startOnFirstUse(() -> startRuntime(config, tracker.get(), modules));
    if (Files.isDirectory(Path.of(config.journalDir()))) {
      // Earlier jobs may have left data for the tracker; a job without leftovers pays one stat.
      LeftoverJournals.deliverInBackground(config);
    }
    ClassLoader agentLoader = AutologAgent.class.getClassLoader();
    if (beforeMain) {
      // No DL4J or Tribuo class can have loaded yet: instrumentation waits for the first one. Not
      // retransformation-capable: the JVM then keeps no copy of every class's original bytes, and
      // the inlined hook calls stay in the instrumented classes' bytes should another agent retransform them.
      inst.addTransformer(new LazyInstaller(ClassFileFilter.of(modules),
          () -> instrumentation(inst, modules, agentLoader)), false);
    } else {
      // Attached late: the libraries may be in use already; instrument now, retransforming their classes.
      BootstrapBridge.define(inst, modules, agentLoader);
      LateAttach.install(inst, modules, agentLoader, AutologAgent::couldNotInstrument);
    }
  }

  /** The transformer that instruments the modules' classes, with the bridge in place and connected. */
  private static ClassFileTransformer instrumentation(Instrumentation inst, List<InstrumentationModule> modules,
      ClassLoader agentLoader) {
    BootstrapBridge.define(inst, modules, agentLoader);
    return new WeavingTransformer(new HookWeaver(modules, agentLoader), AutologAgent::couldNotInstrument);
  }

  /** A class the weaver could not instrument loads unchanged; said once per class. */
  private static void couldNotInstrument(String internalName, Throwable t) {
    String name = internalName.replace('/', '.');
    AgentLog.warnOnce("transform-" + name, "could not instrument " + name + ": " + AgentLog.describe(t));
  }

  /**
   * Creates what runs need, on the first hook call: the logger and its thread, the run manager and
   * its ticker, and the shutdown hook that ends runs at exit. Returns null (autologging stays off)
   * when the JVM is already shutting down, since runs started then could never be ended.
   */
  private static Autolog.Runtime startRuntime(AutologConfig config, Tracker tracker,
      List<InstrumentationModule> modules) {
    AsyncLogger logger = new AsyncLogger(tracker, config.queueCapacity(), Path.of(config.journalDir()),
        config.journalMaxBytes());
    RunManager runs = new RunManager(config, logger, RunContext.detect());
    runs.installTicker();
    logger.start();
    if (!ShutdownHook.register(runs, config.flushTimeoutMillis())) {
      return null; // the logger's thread is a daemon with nothing to do; the JVM is on its way out
    }
    List<String> names = new ArrayList<>();
    for (InstrumentationModule module : modules) {
      names.add(module.name());
    }
    AgentLog.info("autologging " + String.join(", ", names) + " training runs to " + tracker.describe()
        + ", experiment " + (config.experimentName() == null ? "Default" : config.experimentName()));
    return new Autolog.Runtime(config, runs);
  }

  private static String version() {
    String v = AutologAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
