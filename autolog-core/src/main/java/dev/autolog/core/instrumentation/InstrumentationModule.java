package dev.autolog.core.instrumentation;

import dev.autolog.core.config.AutologConfig;
import java.util.List;

/**
 * One instrumented library (DL4J, Tribuo). Found with {@link java.util.ServiceLoader}; the agent
 * installs every module whose {@link #enabled} says so. A module describes what to instrument
 * ({@link #typeInstrumentations}) and nothing else; the agent's {@link HookWeaver} does it.
 *
 * <p>The agent instantiates modules before {@code main} and only asks them for {@link #name},
 * {@link #enabled}, {@link #instrumentedPackages} and {@link #classFileMarkers} then: those must stay cheap and must not touch
 * ASM or the bridge classes. The rest is called when the first class of an instrumented
 * package loads, in this order: {@link #bridgeClasses} (defined in the bootstrap class loader),
 * {@link #connectHooks}, {@link #typeInstrumentations}.
 *
 * <p>The calls inlined into a library's classes go to the module's <em>bridge</em>: a small class
 * in package {@code dev.autolog.bootstrap} with static methods that take and return JDK types only
 * and forward to the module's hooks. The agent defines the bridge classes in the bootstrap class
 * loader, so library classes see them whichever class loader loaded the library.
 */
public interface InstrumentationModule {
  /** Short name used in settings ({@code <name>.enabled}) and messages, e.g. {@code dl4j}. */
  String name();

  /** Whether the configuration turns this module on. */
  boolean enabled(AutologConfig config);

  /**
   * Package-name prefixes of the classes this module instruments, e.g. {@code org.tribuo.};
   * everything else is ignored cheaply, and the first class loaded from one of them makes the
   * agent install its instrumentation.
   */
  List<String> instrumentedPackages();

  /**
   * Strings of which the class file of every class this module transforms holds at least one,
   * such as the descriptor prefix of an instrumented method's parameters ({@code (Lorg/tribuo/Dataset;}).
   * A class of the instrumented packages whose bytes hold none of them loads without the weaver
   * looking at it: a byte search costs microseconds, while type matching parses the class and
   * reads its type hierarchy. Must be cheap and must not touch ASM. Empty (the default) hands the
   * weaver every class of the packages.
   */
  default List<String> classFileMarkers() {
    return List.of();
  }

  /**
   * Binary names of the module's bridge classes, nested ones included. They are named rather than
   * referenced: a class the agent loaded from its own jar before defining it in the bootstrap class
   * loader would exist twice.
   */
  List<String> bridgeClasses();

  /** Connects the module's bridge to its hooks; called after the bridge classes are in place. */
  void connectHooks();

  /** What to instrument: the classes, and the bridge calls their methods get. */
  List<TypeInstrumentation> typeInstrumentations();
}
