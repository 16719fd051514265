package dev.autolog.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The run lifecycle of MLflow's autolog-managed runs, fitted to how legacy training code calls
 * the libraries: one run per model instance, opened by its first training (or evaluation) call,
 * continued by later calls on the same instance, and finished once the model has been idle for
 * {@code finish_grace_ms} or the JVM exits. So a loop that calls {@code fit} once per epoch or per
 * minibatch gives one run without its status flipping between RUNNING and FINISHED on every call.
 *
 * <ul>
 *   <li>A call that throws ends the run FAILED at once; the model's next call opens a new run.
 *   <li>A run still inside a call when the JVM ends is KILLED; an idle one is FINISHED.
 *   <li>With {@code run_per_call}, every outermost call is a run of its own (MLflow's behaviour).
 *   <li>With {@code nested}, the JVM gets one parent run and every model run is its child.
 * </ul>
 *
 * Thread-safe. Training threads only touch in-memory state and queue events.
 */
public final class RunManager {
  private final AutologConfig config;
  private final AsyncLogger logger;
  private final RunContext context;
  private final WeakIdentityMap<ModelRun> runsByModel = new WeakIdentityMap<>();
  /** Runs that are RUNNING; finished ones leave (and come back when resumed), so the set stays small. */
  private final Set<ModelRun> liveRuns = new LinkedHashSet<>();
  private final Map<String, Integer> nameCounters = new HashMap<>();
  private final AtomicBoolean shutDown = new AtomicBoolean();
  private final AtomicBoolean hintPrinted = new AtomicBoolean();
  private RunHandle processRun;

  /** A manager that records through {@code logger}; call {@link #installTicker()} once. */
  public RunManager(AutologConfig config, AsyncLogger logger, RunContext context) {
    this.config = config;
    this.logger = logger;
    this.context = context;
  }

  /** Lets the logger's worker finish idle runs when their grace period is over. */
  public void installTicker() {
    logger.setTicker(this::finishIdleRuns);
  }

  /**
   * Called when an outermost training call starts on {@code model}. Returns the model's run,
   * continuing it (and resuming a FINISHED one) or opening a new one.
   *
   * @param flavor the integration, e.g. {@code dl4j}; becomes the {@code mlflow.autologging} tag
   * @param baseName the run name's stem when no run_name is configured, e.g. the model's class
   */
  public ModelRun enterTraining(Object model, String flavor, String baseName) {
    return enterTraining(model, flavor, baseName, null);
  }

  /**
   * As {@link #enterTraining(Object, String, String)}; a run opened here is a child of
   * {@code parent} ({@code mlflow.parentRunId}) instead of the job's parent run, e.g. a
   * cross-validation fold of the cross-validation's run. Null means the default parent.
   */
  public ModelRun enterTraining(Object model, String flavor, String baseName, ModelRun parent) {
    ModelRun run;
    synchronized (this) {
      run = config.runPerCall() ? null : runsByModel.get(model);
      if (run == null) {
        run = openRun(model, flavor, baseName, parent);
      }
      liveRuns.add(run);
    }
    synchronized (run) {
      run.calls++;
      run.activeCalls++;
      run.deadline = 0;
      if (run.status == RunStatus.FINISHED) {
        // Like MLflow's start_run(run_id=...): the run is RUNNING again, its end time cleared.
        run.status = RunStatus.RUNNING;
        logger.updateStatus(run.handle(), RunStatus.RUNNING, null);
      }
    }
    return run;
  }

  /**
   * Called when the outermost training call that {@link #enterTraining} answered returns or throws.
   * Never waits: the call's data and the run's end are queued and written by the logger's thread
   * while the job goes on (the JVM's exit waits for them, bounded by flush_timeout_ms).
   */
  public void exitTraining(Object model, ModelRun run, Throwable thrown) {
    long now = System.currentTimeMillis();
    boolean finishNow = false;
    boolean failed = false;
    // Lock order is manager before run everywhere; so the run's lock is released before the manager's is taken.
    synchronized (run) {
      run.activeCalls--;
      run.lastExit = now;
      if (thrown != null) {
        failed = run.status == RunStatus.RUNNING;
        run.status = RunStatus.FAILED;
        run.finisher = null;
        run.deadline = 0;
      } else if (run.activeCalls == 0) {
        if (config.runPerCall()) {
          finishNow = true;
        } else {
          run.deadline = now + config.finishGraceMillis();
        }
      }
    }
    if (failed) {
      synchronized (this) {
        runsByModel.remove(model);
        liveRuns.remove(run);
      }
      logger.updateStatus(run.handle(), RunStatus.FAILED, now);
      announceEnd(run.handle(), RunStatus.FAILED);
    }
    if (finishNow) {
      finish(run, RunStatus.FINISHED);
    }
  }

  /**
   * Called when an evaluation of {@code model} starts: the model's run when it was trained in this
   * JVM, otherwise a new run of its own (ended like a training run).
   */
  public ModelRun enterEvaluation(Object model, String flavor, String baseName) {
    synchronized (this) {
      ModelRun run = runsByModel.get(model);
      if (run != null) {
        return run;
      }
    }
    return enterTraining(model, flavor, baseName);
  }

  /** Called when an evaluation that {@link #enterEvaluation} answered ends. */
  public void exitEvaluation(Object model, ModelRun run, Throwable thrown) {
    boolean ownsCall;
    synchronized (run) {
      ownsCall = run.activeCalls > 0 && run.deadline == 0 && run.status == RunStatus.RUNNING;
    }
    if (ownsCall && run.calls() == 1 && run.iterations() == 0) {
      // An evaluation-only run: its lifecycle is the evaluation call's. A failing evaluation does
      // not fail a model's training run, but it does fail a run that only evaluates.
      exitTraining(model, run, thrown);
    }
  }

  /**
   * Makes {@code run} the run of {@code model} from now on: later evaluations of the model log into
   * it. For libraries where a training call returns the model it trained (Tribuo), while the run
   * was opened for the call. The model is held weakly.
   */
  public synchronized void associate(Object model, ModelRun run) {
    runsByModel.put(model, run);
  }

  /** The run of {@code model}, or null when it has none in this JVM. */
  public synchronized ModelRun runOf(Object model) {
    return runsByModel.get(model);
  }

  /**
   * At JVM exit: runs inside a call become KILLED, idle ones FINISHED (their finishers run), and
   * everything is flushed within flush_timeout_ms.
   */
  public void shutdown() {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    List<ModelRun> runs;
    synchronized (this) {
      runs = new ArrayList<>(liveRuns);
    }
    boolean anyKilled = false;
    for (ModelRun run : runs) {
      boolean kill;
      synchronized (run) {
        if (run.status != RunStatus.RUNNING) {
          continue;
        }
        kill = run.activeCalls > 0;
      }
      anyKilled |= kill;
      finish(run, kill ? RunStatus.KILLED : RunStatus.FINISHED);
    }
    RunHandle parent;
    synchronized (this) {
      parent = processRun;
    }
    if (parent != null) {
      RunStatus status = anyKilled ? RunStatus.KILLED : RunStatus.FINISHED;
      logger.updateStatus(parent, status, System.currentTimeMillis());
      announceEnd(parent, status);
    }
    logger.shutdown(config.flushTimeoutMillis());
  }

  private ModelRun openRun(Object model, String flavor, String baseName, ModelRun parentRun) {
    String name = nextRunName(baseName);
    RunHandle handle = new RunHandle(name);
    Map<String, String> tags = new LinkedHashMap<>(config.tags());
    tags.putAll(context.systemTags(flavor));
    tags.put("mlflow.runName", name);
    // The parent's creation is queued before this one, so the worker knows its id by then.
    RunHandle parent = parentRun != null ? parentRun.handle() : config.nested() ? processRun() : null;
    logger.createRun(handle, config.experimentName(), System.currentTimeMillis(), tags, parent);
    ModelRun run = new ModelRun(handle, flavor, logger);
    runsByModel.put(model, run);
    return run;
  }

  private RunHandle processRun() {
    if (processRun == null) {
      processRun = new RunHandle(context.jobName());
      Map<String, String> tags = new LinkedHashMap<>(config.tags());
      tags.putAll(context.systemTags(null));
      tags.put("mlflow.runName", context.jobName());
      logger.createRun(processRun, config.experimentName(), System.currentTimeMillis(), tags, null);
    }
    return processRun;
  }

  private String nextRunName(String baseName) {
    String stem = config.runName() != null ? config.runName() : baseName;
    int n = nameCounters.merge(stem, 1, Integer::sum);
    if (config.runName() != null) {
      return n == 1 ? stem : stem + "-" + n;
    }
    return stem + "-" + n;
  }

  /** Runs on the worker: finishes runs whose grace period is over. */
  private void finishIdleRuns() {
    long now = System.currentTimeMillis();
    List<ModelRun> due = new ArrayList<>();
    synchronized (this) {
      for (ModelRun run : liveRuns) {
        synchronized (run) {
          if (run.deadline != 0 && run.deadline <= now && run.activeCalls == 0
              && run.status == RunStatus.RUNNING) {
            due.add(run);
          }
        }
      }
    }
    for (ModelRun run : due) {
      finish(run, RunStatus.FINISHED, now);
    }
  }

  /** Queues the run's finisher (FINISHED only), its end status and the "View run" line. */
  private void finish(ModelRun run, RunStatus status) {
    finish(run, status, 0);
  }

  /**
   * As {@link #finish(ModelRun, RunStatus)}; with {@code idleAt} > 0 only if the run is still idle
   * past its deadline then: a call may have entered since the run was found due.
   */
  private void finish(ModelRun run, RunStatus status, long idleAt) {
    RunFinisher finisher;
    long endTime;
    synchronized (run) {
      if (run.status != RunStatus.RUNNING) {
        return;
      }
      if (idleAt > 0 && (run.activeCalls > 0 || run.deadline == 0 || run.deadline > idleAt)) {
        return;
      }
      run.status = status;
      run.deadline = 0;
      finisher = status == RunStatus.FINISHED ? run.finisher : null;
      run.finisher = null;
      endTime = status == RunStatus.FINISHED && run.lastExit != 0 ? run.lastExit : System.currentTimeMillis();
    }
    synchronized (this) {
      synchronized (run) {
        if (run.status != RunStatus.RUNNING) { // unless a new call resumed it meanwhile
          liveRuns.remove(run);
        }
      }
    }
    RunFinisher work = finisher;
    // Behind everything queued: the ticker runs on the worker, and a run whose creation (or last
    // data) is still queued must not be finished ahead of it.
    logger.runAfterQueued(
        () -> {
          if (work != null) {
            runFinisher(run, work);
          }
          logger.updateStatus(run.handle(), status, endTime);
          announceEnd(run.handle(), status);
        });
  }

  private void runFinisher(ModelRun run, RunFinisher finisher) {
    if (run.isRunning()) {
      // A new call resumed the run before its end-of-run work ran; it runs when the run ends again.
      return;
    }
    run.runFinisher(finisher);
  }

  /** After the status is written: print where to see the run and update run_info_file. */
  private void announceEnd(RunHandle handle, RunStatus status) {
    // A run whose creation waits in the journal is announced when the tracker has created it.
    logger.runOnWorker(() -> handle.whenCreated(info -> {
      Tracker tracker = logger.tracker();
      String location = tracker.runLocation(info);
      AgentLog.info("View run " + handle.name() + " (" + status + ") at: " + location);
      if (tracker instanceof FileStoreTracker fs && hintPrinted.compareAndSet(false, true)) {
        AgentLog.info("See all runs with: mlflow ui --backend-store-uri " + fs.root().toUri()
            + " (MLflow 3.13+ also needs MLFLOW_ALLOW_FILE_STORE=true)");
      }
      writeRunInfo(handle, info, status, location);
    }));
  }

  private void writeRunInfo(RunHandle handle, RunInfo info, RunStatus status, String location) {
    String file = config.runInfoFile();
    if (file == null) {
      return;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_id", info.runId());
    json.put("run_name", handle.name());
    json.put("experiment_id", info.experimentId());
    json.put("status", status.name());
    json.put("location", location);
    json.put("artifact_uri", info.artifactUri());
    json.put("tracking_uri", config.describeDestination());
    try {
      Path path = Path.of(file).toAbsolutePath();
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
      Files.writeString(tmp,
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n",
          StandardCharsets.UTF_8);
      Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      AgentLog.warnOnce("run-info-file", "could not write run_info_file " + file + ": " + AgentLog.describe(e));
    }
  }
}
