package dev.autolog.core.logger;

import dev.autolog.core.delivery.Journal;
import dev.autolog.core.log.AgentLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where events go while the {@link EventRing} is full: memory-mapped segments of files on disk,
 * outside the heap. A training thread writing here copies 32 bytes into a mapping the worker made
 * beforehand: no system call and no allocation. The kernel writes the pages out when memory is
 * short, so the agent's heap stays at the ring's size however far the tracker falls behind.
 *
 * <p>Once a point has spilled, every event goes here (in one order) until the worker has read the
 * spill empty; the worker reads the ring empty before it reads here. So events keep the order they
 * were logged in, and a run's end is written after its points.
 *
 * <p>Each segment's file is deleted as soon as it is mapped (the mapping keeps its blocks until
 * it is released), so a killed process leaves nothing behind. Without a mapped spare segment
 * (the worker has not made one yet, the disk refused, or the cap is reached) {@link #offerMetric}
 * says no, and the caller drops and counts the point; {@link #unavailableReason} says why.
 */
final class Spill {
  private static final int RECORD_BYTES = 32;
  private static final int CONTROL = -1;
  /** Mapped segments kept ready, so a burst never waits for the worker to map the next one. */
  private static final int SPARES = 2;

  private final Path dir;
  private final int segmentRecords;
  private final long maxBytes;
  private final Map<RunHandle, Integer> runIds = new IdentityHashMap<>();
  private final List<RunHandle> runs = new ArrayList<>();
  private final Map<String, Integer> keyIds = new HashMap<>();
  private final List<String> keys = new ArrayList<>();
  private final ArrayDeque<TrackingEvent> controls = new ArrayDeque<>();
  /** Segments in write order: reading from the first, writing to the last. Guarded by this. */
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private final ArrayDeque<Segment> spares = new ArrayDeque<>(); // guarded by this
  private long pending; // guarded by this
  private long spilledPoints; // guarded by this
  private boolean broken; // guarded by this
  private boolean closed; // guarded by this
  /** Why the spill last had no room; guarded by this. */
  private String unavailable = "no spill segment was ready (the logger's thread was busy writing)";
  private volatile boolean active;
  private int nextFile;

  // The worker's copy of the events taken, handed to the reader outside the lock.
  private final RunHandle[] takenRuns;
  private final String[] takenKeys;
  private final double[] takenValues;
  private final long[] takenTimestamps;
  private final long[] takenSteps;
  private final TrackingEvent[] takenEvents;

  /**
   * @param dir where the segment files are made (and deleted at once)
   * @param segmentRecords events per segment (32 bytes each)
   * @param maxTake the most events one {@link #drain} hands over
   * @param maxBytes the most disk the spill may hold mapped at once (the journal's cap)
   */
  Spill(Path dir, int segmentRecords, int maxTake, long maxBytes) {
    this.dir = dir;
    this.segmentRecords = segmentRecords;
    this.maxBytes = maxBytes;
    takenRuns = new RunHandle[maxTake];
    takenKeys = new String[maxTake];
    takenValues = new double[maxTake];
    takenTimestamps = new long[maxTake];
    takenSteps = new long[maxTake];
    takenEvents = new TrackingEvent[maxTake];
  }

  /** Whether events go here rather than to the ring (something spilled and is not yet read). */
  boolean active() {
    return active;
  }

  /** Adds a metric point; false when no mapped segment has room (the caller drops it). */
  synchronized boolean offerMetric(RunHandle run, String key, double value, long timestamp, long step) {
    Segment s = writable();
    if (s == null) {
      return false;
    }
    int off = s.written * RECORD_BYTES;
    try {
      s.buffer.putInt(off, id(run, runIds, runs)).putInt(off + 4, id(key, keyIds, keys)).putDouble(off + 8, value)
          .putLong(off + 16, timestamp).putLong(off + 24, step);
    } catch (InternalError e) {
      return stopSpilling(e);
    }
    s.written++;
    pending++;
    spilledPoints++;
    active = true;
    return true;
  }

  /**
   * Adds another event behind the points spilled so far, while the spill is active; false when it
   * is not (or has no room), and the event belongs in the ring.
   */
  synchronized boolean offerEvent(TrackingEvent event) {
    if (!active) {
      return false;
    }
    Segment s = writable();
    if (s == null) {
      return false;
    }
    try {
      s.buffer.putInt(s.written * RECORD_BYTES, CONTROL);
    } catch (InternalError e) {
      return stopSpilling(e);
    }
    s.written++;
    controls.addLast(event);
    pending++;
    return true;
  }

  /** Events spilled and not yet read. */
  synchronized long pending() {
    return pending;
  }

  /** Why the spill last had no room for an event, for the line that reports dropped points. */
  synchronized String unavailableReason() {
    return unavailable;
  }

  /** Metric points that went here since the start. */
  synchronized long spilledPoints() {
    return spilledPoints;
  }

  /**
   * Maps spare segments until {@value #SPARES} are ready, so training threads never map one
   * themselves. Worker only; cheap when they are. The files are sparse: a segment takes disk blocks
   * only as it is written. A disk that refuses is reported once and not asked again.
   */
  void prepareSpares() {
    long segmentBytes = (long) segmentRecords * RECORD_BYTES;
    while (true) {
      synchronized (this) {
        if (spares.size() >= SPARES || broken || closed) {
          return;
        }
        // Only this (the worker's) thread adds segments, so the count cannot grow meanwhile.
        if ((segments.size() + spares.size() + 1) * segmentBytes > maxBytes) {
          unavailable = "the spill in " + dir + " reached its cap of " + (maxBytes >> 20) + " MB (journal_max_mb)";
          return;
        }
      }
      if (!mapSpare()) {
        return;
      }
    }
  }

  /** Maps one more spare segment; false if the disk refused. */
  private boolean mapSpare() {
    Segment made = null;
    try {
      Journal.createPrivateDirectory(dir); // the journal's directory: owner-only, as the journal makes it
      Path file = dir.resolve("spill-" + ProcessHandle.current().pid() + "-" + nextFile++ + ".tmp");
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength((long) segmentRecords * RECORD_BYTES);
        made = new Segment(raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, raf.length()));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // Not reported now: most jobs never fill the queue. The exit line names it if points were dropped.
      synchronized (this) {
        unavailable = "the spill to " + dir + " failed: " + AgentLog.describe(e);
        broken = true;
      }
      return false;
    }
    synchronized (this) {
      if (closed) {
        made.release();
        return false;
      }
      spares.addLast(made);
      return true;
    }
  }

  /**
   * Hands up to {@code max} events (at most the {@code maxTake} given at construction), in order,
   * to {@code reader}. Worker only.
   *
   * @return how many were handed over
   */
  int drain(EventRing.Reader reader, int max) {
    int n = 0;
    synchronized (this) {
      int limit = Math.min(max, takenRuns.length);
      while (n < limit) {
        Segment s = segments.peekFirst();
        if (s == null) {
          break;
        }
        if (s.read == s.written) {
          if (s.written < segmentRecords) {
            break; // the segment being written: nothing more yet
          }
          segments.removeFirst();
          s.release();
          continue;
        }
        int off = s.read * RECORD_BYTES;
        int run = s.buffer.getInt(off);
        if (run == CONTROL) {
          takenEvents[n] = controls.pollFirst();
        } else {
          takenRuns[n] = runs.get(run);
          takenKeys[n] = keys.get(s.buffer.getInt(off + 4));
          takenValues[n] = s.buffer.getDouble(off + 8);
          takenTimestamps[n] = s.buffer.getLong(off + 16);
          takenSteps[n] = s.buffer.getLong(off + 24);
        }
        s.read++;
        n++;
      }
      pending -= n;
      if (pending == 0) {
        active = false; // new events go to the ring again: everything here is older than they are
      }
    }
    for (int i = 0; i < n; i++) {
      TrackingEvent event = takenEvents[i];
      if (event != null) {
        takenEvents[i] = null;
        reader.event(event);
      } else {
        RunHandle run = takenRuns[i];
        takenRuns[i] = null;
        reader.metric(run, takenKeys[i], takenValues[i], takenTimestamps[i], takenSteps[i]);
      }
    }
    return n;
  }

  /** Releases every mapping (what was not read is gone); later offers are refused. */
  synchronized void close() {
    closed = true;
    segments.forEach(Segment::release);
    segments.clear();
    spares.forEach(Segment::release);
    spares.clear();
    controls.clear();
    pending = 0;
    active = false;
  }

  /**
   * The JVM's report of a fault on a mapping (no disk space for a page): no more spilling. Caller
   * holds the lock; the events already spilled stay readable.
   */
  private boolean stopSpilling(InternalError e) {
    unavailable = "the spill to " + dir + " failed: " + AgentLog.describe(e);
    broken = true;
    spares.forEach(Segment::release);
    spares.clear();
    return false;
  }

  private Segment writable() {
    if (closed || broken) {
      return null;
    }
    Segment last = segments.peekLast();
    if (last != null && last.written < segmentRecords) {
      return last;
    }
    Segment next = spares.pollFirst();
    if (next != null) {
      segments.addLast(next);
    }
    return next;
  }

  /** The number standing for {@code value} in records: its index in {@code values}, added on first use. */
  private static <T> int id(T value, Map<T, Integer> ids, List<T> values) {
    Integer id = ids.get(value); // no allocation once known: the training thread's common case
    if (id == null) {
      id = values.size();
      values.add(value);
      ids.put(value, id);
    }
    return id;
  }

  /** One mapped file: records [read, written) wait to be read. */
  private static final class Segment {
    final MappedByteBuffer buffer;
    int written;
    int read;

    Segment(MappedByteBuffer buffer) {
      this.buffer = buffer;
    }

    /** Unmaps now rather than at some later GC, so the deleted file's blocks are freed at once. */
    void release() {
      Unmapper.unmap(buffer);
    }
  }

  /** {@code sun.misc.Unsafe.invokeCleaner}, the supported way to unmap before GC; a no-op if absent. */
  private static final class Unmapper {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
      Object unsafe = null;
      Method invokeCleaner = null;
      try {
        Class<?> type = Class.forName("sun.misc.Unsafe");
        java.lang.reflect.Field field = type.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        unsafe = field.get(null);
        invokeCleaner = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Left to the GC.
      }
      UNSAFE = unsafe;
      INVOKE_CLEANER = invokeCleaner;
    }

    static void unmap(MappedByteBuffer buffer) {
      if (INVOKE_CLEANER != null) {
        try {
          INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
          // Left to the GC.
        }
      }
    }
  }
}
