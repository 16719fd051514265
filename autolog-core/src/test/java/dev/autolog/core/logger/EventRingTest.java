package dev.autolog.core.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EventRingTest {

  @Test
  void manyWritersOneReaderEveryEventOnceAndEachWritersInOrder() throws Exception {
    EventRing ring = new EventRing(1000);
    int writers = 4;
    int perWriter = 200_000;
    RunHandle[] runs = new RunHandle[writers];
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      RunHandle run = runs[w] = new RunHandle("w" + w);
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perWriter; i++) {
          if (i % 1000 == 0) {
            ring.add(new TrackingEvent.Task(() -> {}));
          }
          // A full ring is retried here, so every point goes in exactly once.
          while (!ring.offerMetric(run, "m", i, i, i)) {
            Thread.onSpinWait();
          }
        }
      });
      threads.add(t);
      t.start();
    }
    long[] next = new long[writers];
    int[] tasks = new int[1];
    EventRing.Reader reader = new EventRing.Reader() {
      @Override
      public void metric(RunHandle run, String key, double value, long timestamp, long step) {
        int w = Integer.parseInt(run.name().substring(1));
        assertEquals(next[w], step, "writer " + w + " in order, none lost or repeated");
        assertEquals((double) step, value);
        assertEquals(step, timestamp);
        next[w]++;
      }

      @Override
      public void event(TrackingEvent event) {
        tasks[0]++;
      }
    };
    start.countDown();
    long total = 0;
    while (total < (long) writers * perWriter + writers * (perWriter / 1000) || threads.stream().anyMatch(Thread::isAlive)) {
      total += ring.drain(reader, 10_000);
    }
    total += ring.drain(reader, Integer.MAX_VALUE);
    for (int w = 0; w < writers; w++) {
      assertEquals(perWriter, next[w]);
    }
    assertEquals(writers * (perWriter / 1000), tasks[0]);
    assertTrue(ring.isEmpty());
  }

  @Test
  void pointsStopAtTheCapacityWhileOtherEventsStillFindRoom() {
    EventRing ring = new EventRing(1000);
    RunHandle run = new RunHandle("r");
    int accepted = 0;
    for (int i = 0; i < 1500; i++) {
      if (ring.offerMetric(run, "m", i, i, i)) {
        accepted++;
      }
    }
    assertEquals(1000, accepted);
    for (int i = 0; i < 100; i++) {
      ring.add(new TrackingEvent.Task(() -> {}));
    }
    assertFalse(ring.offerMetric(run, "m", 0, 0, 0));
    List<TrackingEvent> all = new ArrayList<>();
    ring.drainTo(all);
    assertEquals(1100, all.size());
    assertTrue(all.get(999) instanceof TrackingEvent.MetricPoint p && p.step() == 999);
    assertTrue(all.get(1000) instanceof TrackingEvent.Task);
    assertTrue(ring.offerMetric(run, "m", 0, 0, 0), "taking frees the room");
  }

  @Test
  void slotsAreMadeOnlyAsFarAsWritersHaveReached() {
    EventRing ring = new EventRing(100_000); // 131,072 slots: 32 segments
    RunHandle run = new RunHandle("r");
    List<TrackingEvent> taken = new ArrayList<>();
    assertEquals(0, ring.segmentsMade(), "nothing before the first event");
    for (int i = 0; i < 3000; i++) {
      assertTrue(ring.offerMetric(run, "m", i, i, i));
    }
    ring.add(new TrackingEvent.Task(() -> {}));
    ring.drainTo(taken);
    assertEquals(1, ring.segmentsMade(), "a small job's events fit the first segment");
    // Around the whole ring and on: every segment is made once, then reused.
    for (int lap = 0; lap < 3; lap++) {
      for (int i = 0; i < 131_072; i++) {
        assertTrue(ring.offerMetric(run, "m", i, i, i));
        if (i % 50_000 == 49_999) {
          taken.clear();
          ring.drainTo(taken);
          assertEquals(50_000, taken.size());
        }
      }
      taken.clear();
      ring.drainTo(taken);
    }
    assertEquals(32, ring.segmentsMade());
    assertTrue(ring.isEmpty());
  }
}
