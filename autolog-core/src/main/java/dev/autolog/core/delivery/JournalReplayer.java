package dev.autolog.core.delivery;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Delivers journal segments that earlier processes left behind: at the next start of the agent (in
 * the background) and from {@code java -jar autolog-agent.jar sync}.
 *
 * <p>Replay is idempotent: records already delivered are skipped (each segment counts its
 * deliveries), a run is looked up before it is created again, params are re-sent with the same
 * values, and MLflow stores a metric point that arrives twice once. A run the segment opened but
 * never closed (its process was killed with SIGKILL) is closed KILLED at the time the segment was
 * last written. Segments of a live process, of another tracker, or unreadable ones are left alone.
 */
public final class JournalReplayer {
  private final Tracker tracker;
  private final boolean reportSkipped;

  /** A replayer delivering to {@code tracker}; segments written for another tracker are skipped, and said so. */
  public JournalReplayer(Tracker tracker) {
    this(tracker, true);
  }

  /**
   * A replayer delivering to {@code tracker}. With {@code reportSkipped} false, segments of other
   * trackers are skipped without a line (debug only): a job's start should not list, every time,
   * journals that belong to another tracker.
   */
  public JournalReplayer(Tracker tracker, boolean reportSkipped) {
    this.tracker = tracker;
    this.reportSkipped = reportSkipped;
  }

  /** What a replay did. */
  public record Report(int segmentsDelivered, int segmentsLeft, long recordsDelivered) {}

  /** Whether {@code dir} holds any journal segment (cheap: lists one directory). */
  public static boolean hasSegments(Path dir) {
    return !segments(dir).isEmpty();
  }

  /** Whether {@code dir} holds a segment written for the tracker {@code trackerId}. */
  public static boolean hasSegmentsFor(Path dir, String trackerId) {
    for (Path file : segments(dir)) {
      if (trackerId.equals(Journal.readTrackerId(file))) {
        return true;
      }
    }
    return false;
  }

  /** Replays every segment in {@code dir}, oldest first, stopping when the tracker fails. */
  public Report replay(Path dir) {
    int delivered = 0;
    int left = 0;
    long records = 0;
    for (Path file : segments(dir)) {
      Journal journal;
      try {
        journal = Journal.openForReplay(file);
      } catch (IOException | RuntimeException e) {
        AgentLog.warnOnce("replay-open-" + file, "skipped journal " + file + ": " + AgentLog.describe(e));
        left++;
        continue;
      }
      if (journal == null) {
        AgentLog.debug("journal " + file + " belongs to a running process; left for later");
        left++;
        continue;
      }
      if (!journal.trackerId().equals(tracker.describe())) {
        String message = "journal " + file + " holds data for " + journal.trackerId() + ", not "
            + tracker.describe() + "; left as is (sync it with tracking_uri set to that tracker)";
        if (reportSkipped) {
          AgentLog.info(message);
        } else {
          AgentLog.debug(message);
        }
        journal.close();
        left++;
        continue;
      }
      long[] count = new long[1];
      boolean complete = replaySegment(journal, count);
      records += count[0];
      if (complete) {
        journal.delete();
        delivered++;
      } else {
        journal.close();
        left++;
        break; // the tracker fails: the other segments would fail too
      }
    }
    return new Report(delivered, left, records);
  }

  private boolean replaySegment(Journal journal, long[] delivered) {
    Set<String> opened = new HashSet<>();
    Set<String> closed = new HashSet<>();
    Delivery delivery = new Delivery(tracker, null, 0, (key, info) -> {});
    try {
      // First pass: which runs exist already, and which this segment opened and closed.
      List<Op.BindRun> binds = new ArrayList<>();
      for (Op op; (op = journal.next()) != null; ) {
        if (op instanceof Op.BindRun b) {
          binds.add(b);
          opened.add(b.runKey());
        } else if (op instanceof Op.CreateRun c) {
          opened.add(c.runKey());
        } else if (op instanceof Op.UpdateRun u && u.status() != RunStatus.RUNNING) {
          closed.add(u.runKey());
        } else if (op instanceof Op.UpdateRun u) {
          closed.remove(u.runKey());
        }
      }
      binds.forEach(b -> delivery.replayRecord(b));
      journal.rewind();
      for (long i = 0; i < journal.acked(); i++) {
        if (journal.next() == null) {
          break;
        }
      }
      long acked = journal.acked();
      for (Journal.Group group; (group = journal.nextGroup()) != null; ) {
        Op op = group.op();
        if (!delivery.replayRecord(op)) {
          return false;
        }
        journal.ack(group.records());
        delivered[0] += group.records();
        if (op instanceof Op.CreateRun c && delivery.runInfo(c.runKey()) != null) {
          journal.append(new Op.BindRun(c.runKey(), delivery.runInfo(c.runKey())), false);
        }
      }
      long end = Files.getLastModifiedTime(journal.file()).toMillis();
      for (String key : opened) {
        if (!closed.contains(key) && delivery.runInfo(key) != null
            && !delivery.replayRecord(new Op.UpdateRun(key, RunStatus.KILLED, end))) {
          return false;
        }
      }
      AgentLog.info("delivered journal " + journal.file().getFileName() + " to " + tracker.describe() + " ("
          + (delivered[0]) + " records" + (acked > 0 ? ", " + acked + " delivered earlier" : "") + ")");
      return true;
    } catch (IOException | RuntimeException e) {
      AgentLog.warn("stopped replaying journal " + journal.file() + ": " + AgentLog.describe(e));
      return false;
    }
  }

  private static List<Path> segments(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(Journal.SUFFIX)).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
