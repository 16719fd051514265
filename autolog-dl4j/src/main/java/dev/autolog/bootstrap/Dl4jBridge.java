package dev.autolog.bootstrap;

/**
 * The one class DL4J's instrumented methods call: the calls inlined into {@code fit},
 * {@code doEvaluationHelper} and the early-stopping trainers' {@code fit()} calls these static
 * methods, which forward to the hooks the agent {@linkplain #install installed}.
 *
 * <p>The agent defines this class (and {@link Hooks}) in the bootstrap class loader, so DL4J sees it
 * whichever class loader loaded DL4J: the application class loader, a fat-jar launcher's loader
 * whose parent is the platform loader, or several such loaders each with its own DL4J copy. For
 * that, it may refer to JDK types only, and everything crossing it is an {@code Object} or a
 * {@code Throwable}: no DL4J or agent type ever has to be visible on both sides.
 *
 * <p>Until hooks are installed every call does nothing: enter methods return null, which the exit
 * methods ignore.
 */
public final class Dl4jBridge {
  private static volatile Hooks hooks;

  private Dl4jBridge() {}

  /** What the agent plugs into the bridge; each method matches the static method of the same name. */
  public interface Hooks {
    /** Entry of a network's {@code fit}; returns the token its exit gets. */
    Object fitEnter(Object model, Object arg0, Object arg1);

    /** Exit of a network's {@code fit}. */
    void fitExit(Object token, Object model, Throwable thrown);

    /** Entry of an early-stopping trainer's {@code fit()}. */
    Object earlyStoppingEnter(Object trainer);

    /** Exit of an early-stopping trainer's {@code fit()}; {@code result} is what it returned. */
    void earlyStoppingExit(Object token, Object trainer, Object result, Throwable thrown);

    /** Entry of a network's evaluation funnel. */
    Object evaluateEnter(Object model);

    /** Exit of a network's evaluation funnel; {@code result} is what it returned. */
    void evaluateExit(Object token, Object model, Object result, Throwable thrown);
  }

  /** Connects the bridge to the agent's hooks; called once by the agent, before any inlined call runs. */
  public static void install(Hooks installed) {
    hooks = installed;
  }

  /** See {@link Hooks#fitEnter}. */
  public static Object fitEnter(Object model, Object arg0, Object arg1) {
    Hooks h = hooks;
    return h == null ? null : h.fitEnter(model, arg0, arg1);
  }

  /** See {@link Hooks#fitExit}. */
  public static void fitExit(Object token, Object model, Throwable thrown) {
    Hooks h = hooks;
    if (h != null) {
      h.fitExit(token, model, thrown);
    }
  }

  /** See {@link Hooks#earlyStoppingEnter}. */
  public static Object earlyStoppingEnter(Object trainer) {
    Hooks h = hooks;
    return h == null ? null : h.earlyStoppingEnter(trainer);
  }

  /** See {@link Hooks#earlyStoppingExit}. */
  public static void earlyStoppingExit(Object token, Object trainer, Object result, Throwable thrown) {
    Hooks h = hooks;
    if (h != null) {
      h.earlyStoppingExit(token, trainer, result, thrown);
    }
  }

  /** See {@link Hooks#evaluateEnter}. */
  public static Object evaluateEnter(Object model) {
    Hooks h = hooks;
    return h == null ? null : h.evaluateEnter(model);
  }

  /** See {@link Hooks#evaluateExit}. */
  public static void evaluateExit(Object token, Object model, Object result, Throwable thrown) {
    Hooks h = hooks;
    if (h != null) {
      h.evaluateExit(token, model, result, thrown);
    }
  }
}
