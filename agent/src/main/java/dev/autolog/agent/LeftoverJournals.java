package dev.autolog.agent;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.delivery.JournalReplayer;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.Tracker;
import java.nio.file.Path;

/**
 * Delivers, in the background, what earlier jobs left in the journal because their tracker was
 * down when they ended. It uses a tracker of its own (trackers are single-threaded), never delays
 * the job's start, and gives up quietly after a few tries: the journal stays for the next start
 * or {@code sync}.
 */
final class LeftoverJournals {
  private static final int ATTEMPTS = 5;
  private static final long PAUSE_MILLIS = 30_000;

  private static volatile Thread replay;
  private static volatile boolean replaying;

  private LeftoverJournals() {}

  static void deliverInBackground(AutologConfig config) {
    Thread thread = new Thread(() -> deliver(config), "autolog-replay");
    thread.setDaemon(true);
    thread.setContextClassLoader(null);
    thread.setPriority(Thread.MIN_PRIORITY);
    replay = thread;
    thread.start();
  }

  /**
   * At exit: lets a replay in progress go on until {@code deadline}, as the job's own data may.
   * What it has not delivered by then stays in the journal, counted as delivered up to there.
   */
  static void awaitUntil(long deadline) {
    Thread thread = replay;
    if (thread == null) {
      return;
    }
    if (!replaying) {
      thread.interrupt(); // only pausing between attempts: nothing to wait for
      return;
    }
    try {
      thread.join(Math.max(1, deadline - System.currentTimeMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deliver(AutologConfig config) {
    try {
      Path dir = Path.of(config.journalDir());
      if (!JournalReplayer.hasSegments(dir)) {
        return;
      }
      Tracker tracker = Trackers.create(config);
      if (tracker == null) {
        return;
      }
      try {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
          JournalReplayer.Report report;
          replaying = true;
          try {
            report = new JournalReplayer(tracker, false).replay(dir);
          } finally {
            replaying = false;
          }
          // Journals of other trackers are not this job's to deliver; only retry for this one's.
          if (report.segmentsLeft() == 0 || !JournalReplayer.hasSegmentsFor(dir, tracker.describe())) {
            return;
          }
          Thread.sleep(PAUSE_MILLIS);
        }
      } finally {
        tracker.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      AgentLog.warnOnce("replay-failed", "could not deliver the journal left by earlier jobs: " + AgentLog.describe(t));
    }
  }
}
