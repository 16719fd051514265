package dev.autolog.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that does nothing: the floor under the start-up and wall-time figures. What a run
 * with this agent costs over a run without one is what the JVM charges for {@code -javaagent}
 * itself (the {@code java.instrument} module, opening the jar, calling premain), before any agent
 * does any work. {@link ProcessBench} packs it into a jar of its own.
 */
public final class EmptyAgent {
  private EmptyAgent() {}

  /** Returns at once. */
  public static void premain(String argument, Instrumentation instrumentation) {
  }

  /** Writes {@code empty-agent.jar} into {@code dir}: this class and a manifest naming it Premain-Class. */
  static Path jarIn(Path dir) throws IOException {
    String entry = EmptyAgent.class.getName().replace('.', '/') + ".class";
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), EmptyAgent.class.getName());
    Path jar = dir.resolve("empty-agent.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream classFile = EmptyAgent.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      classFile.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
