package dev.autolog.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded agent jar: every entry sits under our own package or META-INF (so nothing it carries
 * can clash with a job's own copy), no ML library is inside, and the manifest makes it an agent.
 */
class AgentJarTest {
  private static final Path JAR = Path.of(System.getProperty("autolog.agent.jar", "target/autolog-agent.jar"));

  @Test
  void everyEntryIsOnTheAllowList() throws IOException {
    List<String> outside = new ArrayList<>();
    for (String name : entries()) {
      boolean allowed = name.startsWith("dev/autolog/")
          || name.equals("dev/")
          || name.startsWith("META-INF/");
      if (!allowed) {
        outside.add(name);
      }
    }
    assertEquals(List.of(), outside, "entries outside dev/autolog/ and META-INF/");
  }

  @Test
  void thirdPartyCodeIsRelocatedUnderOurShadedPackage() throws IOException {
    List<String> names = entries();
    for (String relocated : List.of("net/bytebuddy/", "okhttp3/", "okio/", "kotlin/",
        "com/fasterxml/jackson/databind/", "com/fasterxml/jackson/dataformat/yaml/", "org/yaml/snakeyaml/")) {
      assertTrue(names.stream().anyMatch(n -> n.startsWith("dev/autolog/shaded/" + relocated)),
          relocated + " should be shaded into dev/autolog/shaded/");
    }
    List<String> ourClasses = names.stream()
        .filter(n -> n.endsWith(".class") && n.startsWith("dev/autolog/") && !n.startsWith("dev/autolog/shaded/"))
        .toList();
    for (String name : ourClasses) {
      assertTrue(name.matches("dev/autolog/(core|agent|dl4j|tribuo|bootstrap)/.*"), "unexpected package: " + name);
    }
  }

  @Test
  void ofByteBuddyOnlyItsCopyOfAsmCoreIsCarried() throws IOException {
    // HookWeaver needs ASM's reader and writer, nothing else of Byte Buddy's.
    List<String> byteBuddy = entries().stream()
        .filter(n -> n.startsWith("dev/autolog/shaded/net/bytebuddy/") && n.endsWith(".class"))
        .toList();
    assertTrue(byteBuddy.contains("dev/autolog/shaded/net/bytebuddy/jar/asm/ClassReader.class"), "ASM's reader");
    assertEquals(List.of(), byteBuddy.stream()
        .filter(n -> !n.matches("dev/autolog/shaded/net/bytebuddy/jar/asm/[^/]+\\.class")).toList());
  }

  @Test
  void noMachineLearningLibraryIsInside() throws IOException {
    for (String name : entries()) {
      for (String library : List.of("org/deeplearning4j", "org/nd4j", "org/tribuo", "org/bytedeco", "ml/dmlc")) {
        assertTrue(!name.contains(library), name);
      }
    }
  }

  @Test
  void multiReleaseVersionsAreDroppedBecauseShadeCannotRelocateTheirPaths() throws IOException {
    assertTrue(entries().stream().noneMatch(n -> n.startsWith("META-INF/versions/")));
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals(null, jar.getManifest().getMainAttributes().getValue("Multi-Release"));
    }
  }

  @Test
  void ourClassesConcatenateStringsWithoutInvokedynamic() throws IOException {
    // The parent pom compiles the agent with -XDstringConcat=inline: an invokedynamic concatenation makes the
    // JVM spin method-handle classes on the job's thread at its first use (BENCHMARKS.md measures the cost).
    List<String> indy = new ArrayList<>();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        String name = e.getName();
        if (name.startsWith("dev/autolog/") && !name.startsWith("dev/autolog/shaded/") && name.endsWith(".class")) {
          try (InputStream in = jar.getInputStream(e)) {
            // ISO-8859-1 maps each byte to one char, so this finds the bootstrap method's name in the constant pool.
            if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("makeConcatWithConstants")) {
              indy.add(name);
            }
          }
        }
      }
    }
    assertEquals(List.of(), indy);
  }

  @Test
  void manifestDeclaresTheAgentEntryPoints() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals(AutologAgent.class.getName(), main.getValue("Premain-Class"));
      assertEquals(AutologAgent.class.getName(), main.getValue("Agent-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
      assertTrue(jar.getEntry(AutologAgent.class.getName().replace('.', '/') + ".class") != null);
      assertTrue(jar.getEntry("META-INF/services/dev.autolog.core.instrumentation.InstrumentationModule") != null);
    }
  }

  private static List<String> entries() throws IOException {
    assertTrue(Files.isRegularFile(JAR), "missing " + JAR.toAbsolutePath());
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> names = new ArrayList<>();
      for (JarEntry e : Collections.list(jar.entries())) {
        names.add(e.getName());
      }
      return names;
    }
  }
}
