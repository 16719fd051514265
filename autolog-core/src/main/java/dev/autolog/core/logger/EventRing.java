package dev.autolog.core.logger;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The logger's queue: a bounded ring that many training threads write and the worker alone reads,
 * in one order for every event. A metric point is written into preallocated primitive slots, so
 * recording one allocates nothing on the training thread (no event object, no queue node); other
 * events are rare and travel as objects in the same order.
 *
 * <p>Metric points may fill the ring up to {@code metricCapacity}; the slots above that are kept
 * for other events, so a run's creation or end always finds room while points are dropped (and
 * counted) by the caller.
 *
 * <p>The slots live in segments of {@value #SEGMENT_SLOTS}, made when a writer first reaches one.
 * The ring is sized for bursts (131,072 slots, 5.5 MB, by default), but a job that records a few
 * thousand events in all only ever makes the first segments: whatever the ring allocates lands in
 * the job's young generation, where it is touched once there and again when it is copied out. A
 * segment, once made, is kept, so recording allocates nothing once every segment has been used.
 */
final class EventRing {
  /** Slots kept for events other than metric points. */
  static final int CONTROL_RESERVE = 1 << 14;
  /** Slots per segment (a power of two): about 176 KB of arrays. */
  static final int SEGMENT_SLOTS = 1 << 12;
  private static final int SEGMENT_SHIFT = Integer.numberOfTrailingZeros(SEGMENT_SLOTS);
  private static final int SEGMENT_MASK = SEGMENT_SLOTS - 1;

  private final int mask;
  private final long metricCapacity;
  private final long size;
  private final AtomicReferenceArray<Segment> segments;
  private final AtomicLong head = new AtomicLong();
  private volatile long tail;

  /** One stretch of slots, as parallel arrays. */
  private static final class Segment {
    final Object[] events = new Object[SEGMENT_SLOTS];
    final RunHandle[] runs = new RunHandle[SEGMENT_SLOTS];
    final String[] keys = new String[SEGMENT_SLOTS];
    final double[] values = new double[SEGMENT_SLOTS];
    final long[] timestamps = new long[SEGMENT_SLOTS];
    final long[] steps = new long[SEGMENT_SLOTS];
    /** Per slot: the sequence number it holds plus one, once its writer has filled it. */
    final AtomicLongArray published = new AtomicLongArray(SEGMENT_SLOTS);
  }

  EventRing(int metricCapacity) {
    int slots = Integer.highestOneBit(Math.max(SEGMENT_SLOTS, metricCapacity + CONTROL_RESERVE) - 1) << 1;
    this.mask = slots - 1;
    this.size = slots;
    this.metricCapacity = metricCapacity;
    this.segments = new AtomicReferenceArray<>(slots >>> SEGMENT_SHIFT);
  }

  /** The segment holding slot {@code i}, made if no writer has reached it yet. Writers only. */
  private Segment segmentForWriting(int i) {
    int index = i >>> SEGMENT_SHIFT;
    Segment segment = segments.get(index);
    if (segment == null) {
      Segment made = new Segment();
      segment = segments.compareAndSet(index, null, made) ? made : segments.get(index);
    }
    return segment;
  }

  /** How many segments writers have made so far (for tests). */
  int segmentsMade() {
    int made = 0;
    for (int i = 0; i < segments.length(); i++) {
      if (segments.get(i) != null) {
        made++;
      }
    }
    return made;
  }

  /** Adds a metric point; false when {@code metricCapacity} events are waiting already. */
  boolean offerMetric(RunHandle run, String key, double value, long timestamp, long step) {
    long seq;
    Segment s;
    do {
      seq = head.get();
      if (seq - tail >= metricCapacity) {
        return false;
      }
      // Made before the slot is claimed: a claimed slot must be published, or the reader waits forever.
      s = segmentForWriting((int) seq & mask);
    } while (!head.compareAndSet(seq, seq + 1));
    int i = (int) seq & SEGMENT_MASK;
    s.runs[i] = run;
    s.keys[i] = key;
    s.values[i] = value;
    s.timestamps[i] = timestamp;
    s.steps[i] = step;
    s.published.set(i, seq + 1); // a volatile write: the fields above are visible to the reader after it
    return true;
  }

  /**
   * Adds any other event. Never drops it: if even the reserved slots are taken (the worker is stuck
   * with thousands of such events waiting), waits for the worker to free one.
   */
  void add(TrackingEvent event) {
    long seq;
    Segment s;
    while (true) {
      seq = head.get();
      if (seq - tail >= size) {
        LockSupport.parkNanos(100_000);
        continue;
      }
      s = segmentForWriting((int) seq & mask);
      if (head.compareAndSet(seq, seq + 1)) {
        break;
      }
    }
    int i = (int) seq & SEGMENT_MASK;
    s.events[i] = event;
    s.published.set(i, seq + 1);
  }

  /** Whether every event added so far has been taken. */
  boolean isEmpty() {
    return tail == head.get();
  }

  /** Receives what {@link #drain} takes, in order. */
  interface Reader {
    void metric(RunHandle run, String key, double value, long timestamp, long step);

    void event(TrackingEvent event);
  }

  /**
   * Hands up to {@code max} events, in order, to {@code reader}; stops at a slot whose writer has
   * not finished. Worker only.
   *
   * @return how many events were taken
   */
  int drain(Reader reader, int max) {
    long t = tail;
    int n = 0;
    while (n < max) {
      Segment s = segments.get(((int) t & mask) >>> SEGMENT_SHIFT);
      int i = (int) t & SEGMENT_MASK;
      if (s == null || s.published.get(i) != t + 1) {
        break;
      }
      Object event = s.events[i];
      if (event == null) {
        // Read the slot whole before freeing it for writers.
        RunHandle run = s.runs[i];
        String key = s.keys[i];
        double value = s.values[i];
        long timestamp = s.timestamps[i];
        long step = s.steps[i];
        s.runs[i] = null;
        s.keys[i] = null;
        tail = ++t;
        reader.metric(run, key, value, timestamp, step);
      } else {
        s.events[i] = null;
        tail = ++t;
        reader.event((TrackingEvent) event);
      }
      n++;
    }
    return n;
  }

  /** Takes everything left, metric points as {@link TrackingEvent.MetricPoint}s. Worker or exit only. */
  void drainTo(List<TrackingEvent> out) {
    drain(new Reader() {
      @Override
      public void metric(RunHandle run, String key, double value, long timestamp, long step) {
        out.add(new TrackingEvent.MetricPoint(run, key, value, timestamp, step));
      }

      @Override
      public void event(TrackingEvent event) {
        out.add(event);
      }
    }, Integer.MAX_VALUE);
  }
}
