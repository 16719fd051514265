package dev.autolog.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.Tracker;
import dev.autolog.testing.MlflowServerDouble;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Target "scale": a job producing 10,000,000 points keeps the agent's heap under its queue cap (the
 * rest spills to disk) and loses none. Measures how many points spilled and were dropped (both
 * counted by the logger) and landed (counted at the destination), and the heap (peak sampled every
 * 2 ms, and peak live heap after GC, minus the heap before the run). In {@code rest} mode the server
 * double runs in this JVM and keeps every point it receives in memory, so the heap figures there are
 * mostly the server's, not the agent's; that mode shows that nothing is lost on the way.
 *
 * <p>Usage: {@code ScaleRun <points> <file|rest> <points per second, 0 = as fast as possible>}
 */
public final class ScaleRun {
  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    long points = Long.parseLong(args[0]);
    String mode = args[1];
    long rate = Long.parseLong(args[2]);
    Path dir = Fixtures.tempDir("autolog-scale-");
    MlflowServerDouble server = mode.equals("rest") ? MlflowServerDouble.start() : null;
    try {
      AutologConfig config = Fixtures.config(dir, null);
      Tracker tracker = server != null ? Fixtures.rest(server.baseUri()) : new FileStoreTracker(dir.resolve("mlruns"));
      AtomicLong peakAfterGc = new AtomicLong();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                .filter(u -> u != null).mapToLong(MemoryUsage::getUsed).sum();
            peakAfterGc.accumulateAndGet(used, Math::max);
          }
        }, null, null);
      }
      System.gc();
      Thread.sleep(200);
      long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      peakAfterGc.set(0);
      AtomicLong peakSampled = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakSampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.setDaemon(true);

      AsyncLogger logger = new AsyncLogger(tracker, config.queueCapacity());
      logger.start();
      RunHandle handle = Fixtures.createRun(logger, "scale");
      logger.flush(30_000);
      sampler.start();
      long t0 = System.nanoTime();
      for (long i = 0; i < points; i++) {
        if (rate > 0 && (i % 1000) == 0) {
          long due = t0 + (long) (i * 1e9 / rate);
          while (System.nanoTime() < due) {
            Thread.onSpinWait();
          }
        }
        logger.logMetric(handle, "loss", 1.0 / (i + 1), System.currentTimeMillis(), i);
      }
      long produced = System.nanoTime();
      logger.shutdown(600_000);
      long drained = System.nanoTime();
      sampler.interrupt();
      long landed = server != null ? server.run(handle.info().runId()).metricHistory("loss").size()
          : Fixtures.countMetricLines(dir.resolve("mlruns"));
      long dropped = logger.droppedMetrics();
      System.out.printf(Locale.ROOT,
          "RESULT scale.%s.%s points=%d queue_capacity=%d spilled=%d dropped=%d (%.2f%%) landed=%d lost_uncounted=%d"
              + " produce_s=%.2f drain_after_produce_s=%.2f heap_before_mb=%.1f peak_heap_sampled_mb=%.1f"
              + " peak_live_after_gc_mb=%.1f max_heap_mb=%.0f%s%n",
          mode, rate == 0 ? "burst" : rate + "_per_s", points, config.queueCapacity(), logger.spilledMetrics(), dropped,
          100.0 * dropped / points,
          landed, points - landed - dropped, (produced - t0) / 1e9, (drained - produced) / 1e9, baseline / 1048576.0,
          peakSampled.get() / 1048576.0, peakAfterGc.get() / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0,
          server != null ? " (heap includes the in-process server double, which keeps every point it received)" : "");
    } finally {
      if (server != null) {
        server.close();
      }
      Fixtures.deleteRecursively(dir);
    }
  }
}
