package dev.autolog.tribuo;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.instrumentation.ClassFileFilter;
import java.io.File;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The class-file markers let the agent skip most Tribuo classes without the weaver. That is only
 * sound if every class declaring a method the instrumentation changes holds a marker: checked here
 * on every class of every Tribuo jar on the test class path.
 */
class ClassFileMarkersTest {
  /** Wider than the instrumentation's matchers (no super-type condition), so the check is stricter. */
  private static final ElementMatcher<MethodDescription> ADVISED = not(isAbstract()).and(not(isBridge())).and(
      named("train").and(takesArgument(0, named("org.tribuo.Dataset")))
          .or(named("evaluate").and(takesArgument(0, named("org.tribuo.Model"))))
          .or(named("evaluate").and(takesArguments(0))
              .and(m -> m.getDeclaringType().getTypeName().equals(CrossValidationInstrumentation.CROSS_VALIDATION)))
          .or(named("findMethod")
              .and(m -> m.getDeclaringType().getTypeName().equals(ProtoUtilInstrumentation.PROTO_UTIL))));

  @Test
  void everyTribuoClassDeclaringAnAdvisedMethodPassesAndMostOthersDoNot() throws Exception {
    ClassFileFilter filter = ClassFileFilter.of(List.of(new TribuoInstrumentationModule()));
    TypePool pool = TypePool.Default.ofSystemLoader();
    int classes = 0;
    int passed = 0;
    List<String> advised = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (String path : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!new File(path).getName().startsWith("tribuo-") || !path.endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(path)) {
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
          JarEntry entry = entries.nextElement();
          String name = entry.getName();
          if (!name.startsWith("org/tribuo/") || !name.endsWith(".class")) {
            continue;
          }
          String internalName = name.substring(0, name.length() - ".class".length());
          byte[] bytes = jar.getInputStream(entry).readAllBytes();
          boolean accepted = filter.accepts(internalName, bytes);
          classes++;
          passed += accepted ? 1 : 0;
          TypeDescription type = pool.describe(internalName.replace('/', '.')).resolve();
          if (!type.getDeclaredMethods().filter(ADVISED).isEmpty()) {
            advised.add(internalName);
            if (!accepted) {
              missed.add(internalName);
            }
          }
        }
      }
    }
    assertEquals(List.of(), missed, "classes with advised methods that the markers turn away");
    assertTrue(advised.size() >= 20, "trainers and evaluators found: " + advised);
    assertTrue(advised.contains("org/tribuo/Trainer"), "the interface's default train methods");
    assertTrue(advised.contains("org/tribuo/evaluation/CrossValidation"));
    assertTrue(advised.contains("org/tribuo/protos/ProtoUtil"), "the serialization the agent saves models with");
    assertTrue(passed * 4 < classes, passed + " of " + classes + " classes reach the weaver");
    System.out.println(passed + " of " + classes + " Tribuo classes reach the weaver; " + advised.size() + " declare advised methods");
  }
}
