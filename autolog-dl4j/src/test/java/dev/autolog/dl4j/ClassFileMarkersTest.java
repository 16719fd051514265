package dev.autolog.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.instrumentation.ClassFileFilter;
import dev.autolog.core.instrumentation.HookWeaver;
import java.io.File;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The class-file markers let the agent skip most DL4J classes without parsing them. That is only
 * sound if every class the weaver instruments holds a marker: checked here by weaving every class
 * of every DL4J jar on the test class path with the module's own instrumentation.
 */
class ClassFileMarkersTest {
  @Test
  void everyDl4jClassTheWeaverInstrumentsPassesAndMostOthersDoNot() throws Exception {
    Dl4jInstrumentationModule module = new Dl4jInstrumentationModule();
    ClassFileFilter filter = ClassFileFilter.of(List.of(module));
    ClassLoader loader = getClass().getClassLoader();
    HookWeaver weaver = new HookWeaver(List.of(module), loader);
    int classes = 0;
    int passed = 0;
    List<String> instrumented = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (String path : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!new File(path).getName().startsWith("deeplearning4j-") || !path.endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(path)) {
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
          String name = entries.nextElement().getName();
          if (!name.startsWith("org/deeplearning4j/") || !name.endsWith(".class")) {
            continue;
          }
          String internalName = name.substring(0, name.length() - ".class".length());
          byte[] bytes = jar.getInputStream(jar.getEntry(name)).readAllBytes();
          boolean accepted = filter.accepts(internalName, bytes);
          classes++;
          passed += accepted ? 1 : 0;
          if (weaver.weave(loader, internalName, bytes) != null) {
            instrumented.add(internalName);
            if (!accepted) {
              missed.add(internalName);
            }
          }
        }
      }
    }
    assertEquals(List.of(), missed, "instrumented classes that the markers turn away");
    assertTrue(instrumented.contains("org/deeplearning4j/nn/multilayer/MultiLayerNetwork"), instrumented.toString());
    assertTrue(instrumented.contains("org/deeplearning4j/nn/graph/ComputationGraph"), instrumented.toString());
    // fit() and pretrain() are declared by the base class the trainers of both network kinds extend.
    assertTrue(instrumented.contains("org/deeplearning4j/earlystopping/trainer/BaseEarlyStoppingTrainer"),
        instrumented.toString());
    assertTrue(passed * 10 < classes, passed + " of " + classes + " classes reach the weaver");
    System.out.println(passed + " of " + classes + " DL4J classes reach the weaver; " + instrumented.size()
        + " are instrumented: " + instrumented);
  }
}
