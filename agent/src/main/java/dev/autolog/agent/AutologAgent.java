package dev.autolog.agent;

import dev.autolog.core.Autolog;
import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.config.ConfigProblem;
import dev.autolog.core.config.ConfigResult;
import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.run.RunContext;
import dev.autolog.core.run.RunManager;
import dev.autolog.core.tracking.Tracker;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The agent's entry points: {@code premain} for {@code -javaagent:autolog-agent.jar[=args]} and
 * {@code agentmain} for late attach.
 *
 * <p>Start-up never fails the job: every problem becomes one stderr line and autologging turns off,
 * leaving the job exactly as it would run without the agent.
 */
public final class AutologAgent {
  private static final String ATTACHED_PROPERTY = "dev.autolog.agent.attached";
  private static boolean started;

  private AutologAgent() {}

  /** Called by the JVM before {@code main} for {@code -javaagent}. */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  /** Called by the JVM when the agent is attached to a running process. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
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

  private static synchronized void start(String args, Instrumentation inst) {
    try {
      // A second copy of the agent (e.g. also in JAVA_TOOL_OPTIONS) stands down.
      if (started || System.getProperty(ATTACHED_PROPERTY) != null) {
        AgentLog.warn("the agent is attached more than once; only the first copy is active");
        return;
      }
      started = true;
      System.setProperty(ATTACHED_PROPERTY, version());
      install(args, inst);
    } catch (Throwable t) {
      AgentLog.error("could not start; autologging is off and the job runs without it", t);
    }
  }

  private static void install(String args, Instrumentation inst) {
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
    Tracker tracker = Trackers.create(config);
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
    AsyncLogger logger = new AsyncLogger(tracker, config.queueCapacity(), Path.of(config.journalDir()),
        config.journalMaxBytes());
    RunManager runs = new RunManager(config, logger, RunContext.detect());
    runs.installTicker();
    logger.start();
    LeftoverJournals.deliverInBackground(config);
    Autolog.install(new Autolog.Runtime(config, runs));
    ShutdownHook.register(runs, config.flushTimeoutMillis());
    Instrumenter.install(inst, modules, AutologAgent.class.getClassLoader());
    List<String> names = new ArrayList<>();
    for (InstrumentationModule module : modules) {
      names.add(module.name());
    }
    AgentLog.info("autologging " + String.join(", ", names) + " training runs to " + tracker.describe()
        + ", experiment " + (config.experimentName() == null ? "Default" : config.experimentName()));
  }

  private static String version() {
    String v = AutologAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
