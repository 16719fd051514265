package dev.autolog.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.instrumentation.InstrumentationModule;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The bridge classes the agent defines in the bootstrap class loader, as the shaded agent jar holds
 * them: every one is declared by its module (an undeclared one would be missing there, and the
 * inlined hook calls would fail silently), and they work in a loader that sees nothing but the JDK,
 * as the bootstrap loader does.
 */
class BridgeClassesTest {
  private static final Path JAR = Path.of(System.getProperty("autolog.agent.jar", "target/autolog-agent.jar"));

  @Test
  void everyBridgeClassInTheJarIsDeclaredByAModule() throws IOException {
    TreeSet<String> inJar = new TreeSet<>();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        if (e.getName().startsWith("dev/autolog/bootstrap/") && e.getName().endsWith(".class")) {
          inJar.add(e.getName().replace('/', '.').substring(0, e.getName().length() - ".class".length()));
        }
      }
    }
    assertTrue(inJar.size() >= 4, inJar.toString());
    assertEquals(new TreeSet<>(declaredBridgeClasses()), inJar);
  }

  @Test
  void bridgeClassesNeedNothingButTheJdkAndDoNothingUntilConnected() throws Exception {
    JdkOnlyLoader loader = new JdkOnlyLoader();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (String name : declaredBridgeClasses()) {
        try (InputStream in = jar.getInputStream(jar.getEntry(name.replace('.', '/') + ".class"))) {
          loader.define(name, in.readAllBytes());
        }
      }
    }
    int calls = 0;
    for (String name : declaredBridgeClasses()) {
      Class<?> bridge = Class.forName(name, true, loader);
      for (Method m : bridge.getDeclaredMethods()) { // resolves every type in the signatures
        if (!Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers()) || m.getName().equals("install")) {
          continue;
        }
        // Runs the body (and so links what it refers to), with no hooks installed.
        if (m.getReturnType() == Method[].class) {
          // A call the bridge makes in place of Class.getMethods(): it makes the call itself.
          assertEquals(List.of(String.class.getMethods()), List.of((Method[]) m.invoke(null, String.class)), m.toString());
        } else {
          assertNull(m.invoke(null, new Object[m.getParameterCount()]), m + " is a no-op");
        }
        calls++;
      }
    }
    assertTrue(calls >= 13, "forwarding methods found: " + calls);
  }

  private static List<String> declaredBridgeClasses() {
    List<String> names = new ArrayList<>();
    for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class)) {
      names.addAll(module.bridgeClasses());
    }
    return names;
  }

  /** Sees the JDK's classes and the classes defined into it, as the bootstrap loader does. */
  private static final class JdkOnlyLoader extends ClassLoader {
    JdkOnlyLoader() {
      super(null);
    }

    void define(String name, byte[] bytes) {
      defineClass(name, bytes, 0, bytes.length);
    }
  }
}
