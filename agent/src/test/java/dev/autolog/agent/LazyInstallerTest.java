package dev.autolog.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.autolog.core.instrumentation.ClassFileFilter;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The start-up transformer: it builds the real transformer once, on the first class of an
 * instrumented package, and hands it that class and every later one. The real transformer here
 * marks the bytes it was given, so a test sees which calls reached it.
 */
class LazyInstallerTest {
  private static final byte[] BYTES = {1, 2, 3};
  private static final byte[] MARKED = {9};
  private final AtomicInteger builds = new AtomicInteger();
  private final List<String> transformed = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final ClassFileTransformer real = new ClassFileTransformer() {
    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
        ProtectionDomain domain, byte[] bytes) {
      transformed.add(className);
      return MARKED;
    }
  };

  @Test
  void otherClassesNeitherBuildNorReachTheRealTransformer() {
    LazyInstaller lazy = new LazyInstaller(packages("org/tribuo/", "org/deeplearning4j/"), this::build);
    assertNull(transform(lazy, "java/util/List"));
    assertNull(transform(lazy, "org/tribuonic/Thing"));
    assertNull(transform(lazy, null));
    assertEquals(0, builds.get());
  }

  @Test
  void theFirstInstrumentedClassBuildsTheRealTransformerWhichGetsItAndEveryLaterOne() {
    LazyInstaller lazy = new LazyInstaller(packages("org/tribuo/", "org/deeplearning4j/"), this::build);
    assertArrayEquals(MARKED, transform(lazy, "org/deeplearning4j/nn/conf/NeuralNetConfiguration"));
    assertArrayEquals(MARKED, transform(lazy, "org/tribuo/Trainer"));
    assertNull(transform(lazy, "java/util/Map"));
    assertEquals(1, builds.get());
    assertEquals(List.of("org/deeplearning4j/nn/conf/NeuralNetConfiguration", "org/tribuo/Trainer"), transformed);
  }

  @Test
  void threadsLoadingClassesDuringTheBuildWaitForItAndNoneIsMissed() throws Exception {
    CountDownLatch building = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LazyInstaller lazy = new LazyInstaller(packages("org/tribuo/"), () -> {
      building.countDown();
      await(release);
      return build();
    });
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      results.add(pool.submit(() -> transform(lazy, "org/tribuo/A")));
      building.await(10, TimeUnit.SECONDS);
      for (String name : List.of("org/tribuo/B", "org/tribuo/C", "org/tribuo/D")) {
        results.add(pool.submit(() -> transform(lazy, name)));
      }
      Thread.sleep(100); // let them reach the build
      release.countDown();
      for (Future<byte[]> result : results) {
        assertArrayEquals(MARKED, result.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, builds.get());
    assertEquals(4, transformed.size());
  }

  @Test
  void aClassTheBuildItselfLoadsIsLeftAloneInsteadOfBuildingAgain() {
    AtomicReference<LazyInstaller> self = new AtomicReference<>();
    AtomicReference<byte[]> nested = new AtomicReference<>(BYTES);
    LazyInstaller lazy = new LazyInstaller(packages("org/tribuo/"), () -> {
      nested.set(transform(self.get(), "org/tribuo/LoadedByTheBuild"));
      return build();
    });
    self.set(lazy);
    assertArrayEquals(MARKED, transform(lazy, "org/tribuo/First"));
    assertNull(nested.get());
    assertEquals(1, builds.get());
  }

  @Test
  void aFailedBuildLeavesEveryClassUnchangedAndIsNotRetried() {
    LazyInstaller lazy = new LazyInstaller(packages("org/tribuo/"), () -> {
      builds.incrementAndGet();
      throw new IllegalStateException("no weaver today");
    });
    assertNull(transform(lazy, "org/tribuo/A"));
    assertNull(transform(lazy, "org/tribuo/B"));
    assertEquals(1, builds.get());
  }

  @Test
  void aClassWithoutItsModulesMarkersNeitherBuildsNorReachesTheRealTransformer() {
    LazyInstaller lazy = new LazyInstaller(
        new ClassFileFilter(Map.of("org/tribuo/", List.of("(Lorg/tribuo/Dataset;"))), this::build);
    byte[] plain = "CAFEBABE org/tribuo/Output (Lorg/tribuo/Model;)V".getBytes(StandardCharsets.UTF_8);
    byte[] trainer = "CAFEBABE train (Lorg/tribuo/Dataset;)Lorg/tribuo/Model;".getBytes(StandardCharsets.UTF_8);
    assertNull(lazy.transform(null, null, "org/tribuo/Output", null, null, plain));
    assertEquals(0, builds.get());
    assertArrayEquals(MARKED, lazy.transform(null, null, "org/tribuo/SomeTrainer", null, null, trainer));
    assertNull(lazy.transform(null, null, "org/tribuo/Output", null, null, plain));
    assertEquals(List.of("org/tribuo/SomeTrainer"), transformed);
  }

  private static ClassFileFilter packages(String... prefixes) {
    Map<String, List<String>> noMarkers = new LinkedHashMap<>();
    for (String prefix : prefixes) {
      noMarkers.put(prefix, List.of());
    }
    return new ClassFileFilter(noMarkers);
  }

  private ClassFileTransformer build() {
    builds.incrementAndGet();
    return real;
  }

  private static byte[] transform(LazyInstaller lazy, String name) {
    return lazy.transform(null, null, name, null, null, BYTES);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
