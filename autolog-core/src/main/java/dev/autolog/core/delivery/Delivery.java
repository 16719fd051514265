package dev.autolog.core.delivery;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.Tracker;
import dev.autolog.core.tracking.rest.MlflowApiException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Hands {@link Op}s to a tracker strictly in order. While the tracker cannot take them (it is
 * unreachable, stalls, answers 5xx, 429 or garbage, or refuses the credentials), ops go to a
 * {@link Journal} on disk, and {@link #retryDue} delivers the journal from its oldest record once
 * the backoff has passed; new ops keep going to the journal until it is empty, so order holds.
 * Ops the tracker refuses for good (MLflow's 400 for an invalid value) are reported and dropped;
 * a batch refused that way is split so that only its invalid entries are lost.
 *
 * <p>Used by the logger's worker. The one exception is {@link #spillForExit}, which the exiting
 * thread calls when the worker is stuck in a request: journal writes are therefore under a lock,
 * tracker calls never are.
 */
public final class Delivery {
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  private static final long MAX_RETRY_AFTER_MILLIS = 120_000;
  private static final long OUTAGE_REPORT_INTERVAL_MILLIS = 60_000;
  private static final long EXIT_RETRY_MILLIS = 1000;
  /** Log-batch requests in flight at once; MLflow's server handles requests in parallel workers. */
  private static final int CONCURRENT_REQUESTS = 4;

  private final Tracker tracker;
  private final Path journalDir;
  private final long maxJournalBytes;
  private final BiConsumer<String, RunInfo> onCreated;
  private final Map<String, RunInfo> runs = new HashMap<>();
  private final Set<String> failedRuns = new HashSet<>();
  private final Object lock = new Object();
  private final Set<String> boundInJournal = new HashSet<>();
  private Journal journal;
  private volatile boolean journalOnly;
  private volatile boolean closed;
  private ExecutorService senders;
  private Op inFlight;
  private int consecutiveFailures;
  private long failedAttempts;
  private long nextAttemptAt;
  private long retryAfterUntil;
  private long lastOutageReport = Long.MIN_VALUE / 2;
  private long journaledPoints;
  private long lostPoints;
  private long lostOps;
  private boolean journalBroken;

  /**
   * A delivery to {@code tracker} that journals in {@code journalDir} (null: no journal, ops that
   * cannot be delivered are lost and counted) up to {@code maxJournalBytes} per process.
   *
   * @param onCreated told the tracker's run for each run key once the run is created, or null
   *     when the tracker refused to create it for good
   */
  public Delivery(Tracker tracker, Path journalDir, long maxJournalBytes, BiConsumer<String, RunInfo> onCreated) {
    this.tracker = tracker;
    this.journalDir = journalDir;
    this.maxJournalBytes = maxJournalBytes;
    this.onCreated = onCreated;
  }

  /** Delivers {@code op} now, or journals it while earlier ops wait or the tracker is down. */
  public void submit(Op op, boolean ownsFiles) {
    synchronized (lock) {
      if (journalOnly || journal != null) {
        append(op, ownsFiles);
        return;
      }
      inFlight = op;
    }
    Outcome outcome = attempt(op, false);
    synchronized (lock) {
      inFlight = null;
      if (outcome == Outcome.LATER && !journalOnly) {
        append(op, ownsFiles);
      }
      // With journalOnly set meanwhile, the exiting thread has already journaled this op.
    }
  }

  /**
   * Delivers batches that do not depend on each other's order (one write of the logger: chunks of
   * runs' metrics, params and tags), several requests at a time when the tracker allows it. MLflow
   * orders a metric's history by step and time, not by arrival, and each chunk's keys are its own.
   * A batch that fails goes to the journal, and everything after it follows it there.
   */
  public void submitBatches(List<Op.LogBatch> batches) {
    boolean concurrent = batches.size() > 1 && tracker.concurrentBatches();
    synchronized (lock) {
      concurrent &= !journalOnly && journal == null;
    }
    if (!concurrent) {
      batches.forEach(b -> submit(b, false));
      return;
    }
    List<Future<Outcome>> outcomes = new ArrayList<>();
    for (Op.LogBatch batch : batches) {
      outcomes.add(senders().submit(() -> attempt(batch, false)));
    }
    for (int i = 0; i < batches.size(); i++) {
      Outcome outcome;
      try {
        outcome = outcomes.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome = Outcome.LATER;
      } catch (ExecutionException e) {
        outcome = Outcome.LATER; // attempt() catches everything; kept for the compiler
      }
      if (outcome == Outcome.LATER) {
        synchronized (lock) {
          append(batches.get(i), false); // also at exit: the exiting thread did not spill these
        }
      }
    }
  }

  private synchronized ExecutorService senders() {
    if (senders == null) {
      AtomicInteger n = new AtomicInteger();
      senders = Executors.newFixedThreadPool(CONCURRENT_REQUESTS, r -> {
        Thread t = new Thread(r, "autolog-sender-" + n.incrementAndGet());
        t.setDaemon(true);
        t.setContextClassLoader(null);
        return t;
      });
    }
    return senders;
  }

  /** Whether ops wait in the journal. */
  public boolean hasBacklog() {
    synchronized (lock) {
      return journal != null;
    }
  }

  /**
   * When ops wait and their retry is due, delivers them in order for at most {@code budgetMillis}
   * (so the worker gets back to new events), stopping at the first that fails again.
   */
  public void retryDue(long budgetMillis) {
    if (journal != null && System.currentTimeMillis() >= nextAttemptAt) {
      drain(System.currentTimeMillis() + budgetMillis);
    }
  }

  /** Delivers waiting ops until the journal is empty (true), a failure, or {@code deadline}. */
  public boolean drain(long deadline) {
    Journal j;
    synchronized (lock) {
      j = journal;
    }
    if (j == null) {
      return true;
    }
    long delivered = 0;
    try {
      while (System.currentTimeMillis() < deadline) {
        Journal.Group group;
        synchronized (lock) {
          if (journalOnly || closed) {
            return false;
          }
          j.mark();
          group = j.nextGroup();
          if (group == null) {
            journal = null;
            boundInJournal.clear();
            j.delete();
            AgentLog.info("delivery to " + tracker.describe() + " resumed; every journaled record was delivered");
            return true;
          }
        }
        Op op = group.op();
        Outcome outcome = attempt(op, true);
        synchronized (lock) {
          if (outcome == Outcome.LATER) {
            j.reset();
            return false;
          }
          // Counted even when the exit closed the journal meanwhile: the count lives in its own file.
          j.ack(group.records());
          delivered += group.records();
          if (closed) {
            return false;
          }
          if (op instanceof Op.CreateRun c && runs.containsKey(c.runKey())) {
            // A later replay of this segment must not create the run again.
            appendRaw(new Op.BindRun(c.runKey(), runs.get(c.runKey())), false);
          }
        }
      }
      return false;
    } catch (IOException e) {
      reportJournalFailure(e);
      return false;
    } finally {
      AgentLog.debug("delivered " + delivered + " journaled records");
    }
  }

  /**
   * Delivers waiting ops until the journal is empty (true) or {@code deadline}, retrying as the
   * backoff and the tracker's Retry-After allow: the JVM's exit gives the tracker this long.
   */
  public boolean drainUntil(long deadline) {
    while (true) {
      if (drain(deadline)) {
        return true;
      }
      long now = System.currentTimeMillis();
      // The exit has little time: retry every second at most, unless the tracker asked for longer.
      long wake = Math.max(Math.min(nextAttemptAt, now + EXIT_RETRY_MILLIS), Math.max(retryAfterUntil, now + 50));
      if (wake >= deadline || journalOnly) {
        return false;
      }
      try {
        Thread.sleep(wake - now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * Called by the exiting thread when the worker missed the exit deadline: from now on every op is
   * journaled, starting with the one the worker is stuck delivering (it may arrive twice; replay
   * is idempotent for that).
   */
  public void spillForExit() {
    synchronized (lock) {
      journalOnly = true;
      if (inFlight != null) {
        append(inFlight, false);
        inFlight = null;
      }
    }
  }

  /** Closes the journal, saying what it keeps for the next start or {@code sync}, and what was lost. */
  public void close() {
    synchronized (lock) {
      closed = true;
      if (journal != null) {
        AgentLog.warn("delivery to " + tracker.describe() + " is not complete: " + describeBacklog()
            + " wait in " + journal.file() + "; the next start of the agent delivers them, or now: java -jar"
            + " autolog-agent.jar sync " + journalDir);
        journal.close();
      }
      if (lostOps > 0) {
        AgentLog.error("LOST " + lostPoints + " metric points (" + lostOps + " records in all) that could neither"
            + " reach " + tracker.describe() + " nor be journaled"
            + (journalDir == null ? "" : " (journal_dir " + journalDir + ", journal_max_mb)"), null);
      }
    }
  }

  /** Tracker calls that failed, for whatever reason. */
  public long failedAttempts() {
    return failedAttempts;
  }

  /** Metric points that could neither be delivered nor journaled. */
  public long lostPoints() {
    synchronized (lock) {
      return lostPoints;
    }
  }

  /**
   * Delivers one record of an earlier process's journal now: true when it is done with (delivered,
   * or refused for good and reported), false when the tracker cannot take it now.
   */
  boolean replayRecord(Op op) {
    return attempt(op, true) != Outcome.LATER;
  }

  /** The tracker's run for a run key, or null while it is not created. */
  RunInfo runInfo(String runKey) {
    return runs.get(runKey);
  }

  private String describeBacklog() {
    long waiting = journal.records() - journal.acked();
    return waiting + " records (" + journaledPoints + " metric points journaled in all)";
  }

  private enum Outcome { DONE, LATER, REFUSED }

  private Outcome attempt(Op op, boolean replayed) {
    try {
      perform(op, replayed);
      synchronized (lock) {
        consecutiveFailures = 0;
      }
      return Outcome.DONE;
    } catch (RunNotCreatedException e) {
      return Outcome.REFUSED; // reported once when the creation failed
    } catch (Exception e) {
      synchronized (lock) {
        failedAttempts++;
        if (Failures.isTransient(e)) {
          noteOutage(e);
          return Outcome.LATER;
        }
      }
      if (op instanceof Op.CreateRun c) {
        failedRuns.add(c.runKey());
        onCreated.accept(c.runKey(), null);
        AgentLog.warnOnce("create-run-" + e.getClass().getName() + e.getMessage(),
            "could not create run " + c.runName() + " in " + tracker.describe() + "; its data is dropped"
                + " (later runs failing the same way are not reported again): " + AgentLog.describe(e));
      } else {
        AgentLog.warnOnce("refused-" + e.getClass().getName() + e.getMessage(),
            describe(op) + " was refused by " + tracker.describe() + " and dropped: " + AgentLog.describe(e));
      }
      return Outcome.REFUSED;
    } catch (Error e) {
      // An OutOfMemoryError must not kill delivery; the op is dropped and counted.
      synchronized (lock) {
        countLost(op);
      }
      AgentLog.warnOnce("delivery-error-" + e.getClass().getName(), describe(op) + " was dropped: "
          + AgentLog.describe(e));
      return Outcome.REFUSED;
    }
  }

  private void perform(Op op, boolean replayed) throws Exception {
    if (op instanceof Op.CreateRun c) {
      String experimentId = tracker.getOrCreateExperiment(c.experimentName());
      RunInfo info = replayed ? tracker.findRun(experimentId, c.runName(), c.startTime()) : null;
      if (info == null) {
        Map<String, String> tags = new LinkedHashMap<>(c.tags());
        RunInfo parent = c.parentKey() == null ? null : runs.get(c.parentKey());
        if (parent != null) {
          tags.put("mlflow.parentRunId", parent.runId());
        }
        info = tracker.createRun(experimentId, c.runName(), c.startTime(), tags);
      }
      runs.put(c.runKey(), info);
      onCreated.accept(c.runKey(), info);
    } else if (op instanceof Op.BindRun b) {
      runs.put(b.runKey(), b.info());
    } else if (op instanceof Op.LogBatch b) {
      logBatchKeepingValidEntries(run(b), b.metrics(), b.params(), b.tags());
    } else if (op instanceof Op.UpdateRun u) {
      tracker.updateRun(run(u).runId(), u.status(), u.endTime());
    } else if (op instanceof Op.LogArtifact a) {
      tracker.logArtifact(run(a), a.artifactPath(), a.file());
    } else if (op instanceof Op.LogModel m) {
      tracker.logModel(run(m), m.model());
    }
  }

  /** Logs a batch; when MLflow refuses it as invalid (400), splits it so only invalid entries are lost. */
  private void logBatchKeepingValidEntries(RunInfo run, List<Metric> metrics, Map<String, String> params,
      Map<String, String> tags) throws IOException {
    try {
      tracker.logBatch(run.runId(), metrics, params, tags);
    } catch (MlflowApiException e) {
      int size = metrics.size() + params.size() + tags.size();
      if (e.status() != 400 || size <= 1) {
        throw e;
      }
      List<Object> entries = new ArrayList<>(metrics);
      params.forEach((k, v) -> entries.add(new Param(k, v)));
      tags.forEach((k, v) -> entries.add(new Tag(k, v)));
      int half = size / 2;
      for (List<Object> part : List.of(entries.subList(0, half), entries.subList(half, size))) {
        List<Metric> m = new ArrayList<>();
        Map<String, String> p = new LinkedHashMap<>();
        Map<String, String> t = new LinkedHashMap<>();
        for (Object entry : part) {
          if (entry instanceof Metric metric) {
            m.add(metric);
          } else if (entry instanceof Param param) {
            p.put(param.key(), param.value());
          } else if (entry instanceof Tag tag) {
            t.put(tag.key(), tag.value());
          }
        }
        try {
          logBatchKeepingValidEntries(run, m, p, t);
        } catch (MlflowApiException refused) {
          if (refused.status() != 400) {
            throw refused;
          }
          AgentLog.warnOnce("refused-entry-" + refused.getMessage(), "MLflow refused "
              + (m.isEmpty() ? (p.isEmpty() ? "tag " + t.keySet() : "param " + p.keySet()) : "metric " + m.get(0).key())
              + " of run " + run.runId() + "; the rest of its batch was logged: " + refused.getMessage());
        }
      }
    }
  }

  private RunInfo run(Op op) throws RunNotCreatedException {
    RunInfo info = runs.get(op.runKey());
    if (info == null) {
      if (!failedRuns.contains(op.runKey())) {
        AgentLog.warnOnce("no-run-" + op.runKey(), describe(op) + " arrived for a run that was never created; dropped");
      }
      throw new RunNotCreatedException();
    }
    return info;
  }

  private void noteOutage(Exception e) {
    consecutiveFailures++;
    long backoff = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(consecutiveFailures - 1, 15));
    long retryAfter = Math.min(MAX_RETRY_AFTER_MILLIS, Failures.retryAfterMillis(e));
    long now = System.currentTimeMillis();
    retryAfterUntil = now + retryAfter;
    nextAttemptAt = now + Math.max(backoff, retryAfter);
    if (consecutiveFailures == 1 && now - lastOutageReport >= OUTAGE_REPORT_INTERVAL_MILLIS) {
      lastOutageReport = now;
      AgentLog.warn(tracker.describe() + " cannot take data now (" + AgentLog.describe(e) + "); the job goes on,"
          + " data waits in the journal" + (journalDir == null ? "" : " in " + journalDir)
          + " and is delivered in order when it answers again");
    }
  }

  /** Appends under the lock, opening the journal first; counts what cannot be kept as lost. */
  private void append(Op op, boolean ownsFiles) {
    if (closed) {
      return; // past the exit deadline: the exit already said what the journal keeps
    }
    if (journal == null) {
      if (journalDir == null || journalBroken) {
        countLost(op);
        return;
      }
      try {
        journal = Journal.create(journalDir, tracker.describe());
        nextAttemptAt = Math.max(nextAttemptAt, System.currentTimeMillis() + 1000);
      } catch (IOException | RuntimeException e) {
        journalBroken = true;
        reportJournalFailure(e);
        countLost(op);
        return;
      }
    }
    String key = op.runKey();
    RunInfo known = runs.get(key);
    if (known != null && !(op instanceof Op.BindRun) && boundInJournal.add(key)) {
      appendRaw(new Op.BindRun(key, known), false);
    }
    appendRaw(op, ownsFiles);
  }

  private void appendRaw(Op op, boolean ownsFiles) {
    if (journal.size() >= maxJournalBytes) {
      if (lostOps == 0) {
        AgentLog.error("the journal " + journal.file() + " reached journal_max_mb (" + (maxJournalBytes >> 20)
            + " MB): from now on, data that cannot reach " + tracker.describe() + " is LOST; the count is"
            + " reported at exit", null);
      }
      countLost(op);
      return;
    }
    try {
      journal.append(op, ownsFiles);
      journaledPoints += op.metricPoints();
    } catch (IOException | RuntimeException e) {
      reportJournalFailure(e);
      countLost(op);
    }
  }

  private void countLost(Op op) {
    lostOps++;
    lostPoints += op.metricPoints();
  }

  private void reportJournalFailure(Exception e) {
    AgentLog.warnOnce("journal-" + e.getClass().getName(), "the journal in " + journalDir + " cannot be written ("
        + AgentLog.describe(e) + "); data that cannot reach the tracker is lost and counted; check journal_dir");
  }

  private static String describe(Op op) {
    String kind = op.getClass().getSimpleName();
    return kind + (op instanceof Op.LogArtifact a ? " " + a.artifactPath() : "") + " of run " + op.runKey();
  }

  private record Param(String key, String value) {}

  private record Tag(String key, String value) {}

  /** Data for a run whose creation failed for good: dropped without another message. */
  private static final class RunNotCreatedException extends Exception {
    RunNotCreatedException() {
      super(null, null, false, false);
    }
  }
}
