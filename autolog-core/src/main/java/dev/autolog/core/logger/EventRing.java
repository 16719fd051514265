package dev.autolog.core.logger;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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
 */
final class EventRing {
  /** Slots kept for events other than metric points. */
  static final int CONTROL_RESERVE = 1 << 14;

  private final int mask;
  private final long metricCapacity;
  private final long size;
  private final Object[] events;
  private final RunHandle[] runs;
  private final String[] keys;
  private final double[] values;
  private final long[] timestamps;
  private final long[] steps;
  /** Per slot: the sequence number it holds plus one, once its writer has filled it. */
  private final AtomicLongArray published;
  private final AtomicLong head = new AtomicLong();
  private volatile long tail;

  EventRing(int metricCapacity) {
    int slots = Integer.highestOneBit(Math.max(2, metricCapacity + CONTROL_RESERVE) - 1) << 1;
    this.mask = slots - 1;
    this.size = slots;
    this.metricCapacity = metricCapacity;
    this.events = new Object[slots];
    this.runs = new RunHandle[slots];
    this.keys = new String[slots];
    this.values = new double[slots];
    this.timestamps = new long[slots];
    this.steps = new long[slots];
    this.published = new AtomicLongArray(slots);
  }

  /** Adds a metric point; false when {@code metricCapacity} events are waiting already. */
  boolean offerMetric(RunHandle run, String key, double value, long timestamp, long step) {
    long seq;
    do {
      seq = head.get();
      if (seq - tail >= metricCapacity) {
        return false;
      }
    } while (!head.compareAndSet(seq, seq + 1));
    int i = (int) seq & mask;
    runs[i] = run;
    keys[i] = key;
    values[i] = value;
    timestamps[i] = timestamp;
    steps[i] = step;
    published.set(i, seq + 1); // a volatile write: the fields above are visible to the reader after it
    return true;
  }

  /**
   * Adds any other event. Never drops it: if even the reserved slots are taken (the worker is stuck
   * with thousands of such events waiting), waits for the worker to free one.
   */
  void add(TrackingEvent event) {
    long seq;
    while (true) {
      seq = head.get();
      if (seq - tail >= size) {
        LockSupport.parkNanos(100_000);
        continue;
      }
      if (head.compareAndSet(seq, seq + 1)) {
        break;
      }
    }
    int i = (int) seq & mask;
    events[i] = event;
    published.set(i, seq + 1);
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
      int i = (int) t & mask;
      if (published.get(i) != t + 1) {
        break;
      }
      Object event = events[i];
      if (event == null) {
        // Read the slot whole before freeing it for writers.
        RunHandle run = runs[i];
        String key = keys[i];
        double value = values[i];
        long timestamp = timestamps[i];
        long step = steps[i];
        runs[i] = null;
        keys[i] = null;
        tail = ++t;
        reader.metric(run, key, value, timestamp, step);
      } else {
        events[i] = null;
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
