package dev.autolog.core.instrumentation;

import dev.autolog.core.config.AutologConfig;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumented library (DL4J, Tribuo). Found with {@link java.util.ServiceLoader}; the agent
 * installs every module whose {@link #enabled} says so. A module adds its type transformations and
 * nothing else: advice classes are referred to by name so the agent never loads them itself.
 */
public interface InstrumentationModule {
  /** Short name used in settings ({@code <name>.enabled}) and messages, e.g. {@code dl4j}. */
  String name();

  /** Whether the configuration turns this module on. */
  boolean enabled(AutologConfig config);

  /** Package-name prefixes of the classes this module instruments; everything else is ignored cheaply. */
  java.util.List<String> instrumentedPackages();

  /** Adds this module's transformations; {@code agentLoader} is where its advice classes live. */
  AgentBuilder extend(AgentBuilder builder, ClassLoader agentLoader);
}
