package dev.autolog.bootstrap;

import java.lang.reflect.Method;

/**
 * The one class Tribuo's instrumented methods call: the calls inlined into trainers'
 * {@code train}, evaluators' {@code evaluate} and {@code CrossValidation.evaluate()}, and the call
 * {@code ProtoUtil.findMethod} makes instead of {@code Class.getMethods()}, reach these static
 * methods, which forward to the hooks the agent {@linkplain #install installed}.
 *
 * <p>The agent defines this class (and {@link Hooks}) in the bootstrap class loader, so Tribuo sees
 * it whichever class loader loaded Tribuo: the application class loader, a fat-jar launcher's
 * loader whose parent is the platform loader, or several such loaders each with its own Tribuo
 * copy. For that, it may refer to JDK types only, and everything crossing it is an {@code Object}
 * or a {@code Throwable}: no Tribuo or agent type ever has to be visible on both sides.
 *
 * <p>Until hooks are installed every call does nothing: enter methods return null, which the exit
 * methods ignore, and {@link #publicMethods} calls {@code getMethods()}.
 */
public final class TribuoBridge {
  private static volatile Hooks hooks;

  private TribuoBridge() {}

  /** What the agent plugs into the bridge; each method matches the static method of the same name. */
  public interface Hooks {
    /** Entry of a trainer's {@code train(Dataset[, Map[, int]])}; returns the token its exit gets. */
    Object trainEnter(Object trainer, Object dataset, Object runProvenance, Object invocationCount);

    /** Exit of a trainer's {@code train}; {@code model} is what it returned. */
    void trainExit(Object token, Object trainer, Object model, Throwable thrown);

    /** Entry of an evaluator's {@code evaluate(Model, ...)}. */
    Object evaluateEnter(Object model);

    /** Exit of an evaluator's {@code evaluate}; {@code evaluation} is what it returned. */
    void evaluateExit(Object token, Object model, Object evaluation, Throwable thrown);

    /** Entry of {@code CrossValidation.evaluate()}. */
    Object crossValidationEnter(Object crossValidation);

    /** Exit of {@code CrossValidation.evaluate()}; {@code result} is what it returned. */
    void crossValidationExit(Object token, Object result, Throwable thrown);

    /** What {@code type.getMethods()} returns, called in place of it by {@code ProtoUtil.findMethod}. */
    Method[] publicMethods(Class<?> type);
  }

  /** Connects the bridge to the agent's hooks; called once by the agent, before any inlined call runs. */
  public static void install(Hooks installed) {
    hooks = installed;
  }

  /** See {@link Hooks#trainEnter}. */
  public static Object trainEnter(Object trainer, Object dataset, Object runProvenance, Object invocationCount) {
    Hooks h = hooks;
    return h == null ? null : h.trainEnter(trainer, dataset, runProvenance, invocationCount);
  }

  /** See {@link Hooks#trainExit}. */
  public static void trainExit(Object token, Object trainer, Object model, Throwable thrown) {
    Hooks h = hooks;
    if (h != null) {
      h.trainExit(token, trainer, model, thrown);
    }
  }

  /** See {@link Hooks#evaluateEnter}. */
  public static Object evaluateEnter(Object model) {
    Hooks h = hooks;
    return h == null ? null : h.evaluateEnter(model);
  }

  /** See {@link Hooks#evaluateExit}. */
  public static void evaluateExit(Object token, Object model, Object evaluation, Throwable thrown) {
    Hooks h = hooks;
    if (h != null) {
      h.evaluateExit(token, model, evaluation, thrown);
    }
  }

  /** See {@link Hooks#crossValidationEnter}. */
  public static Object crossValidationEnter(Object crossValidation) {
    Hooks h = hooks;
    return h == null ? null : h.crossValidationEnter(crossValidation);
  }

  /** See {@link Hooks#crossValidationExit}. */
  public static void crossValidationExit(Object token, Object result, Throwable thrown) {
    Hooks h = hooks;
    if (h != null) {
      h.crossValidationExit(token, result, thrown);
    }
  }

  /** See {@link Hooks#publicMethods}. */
  public static Method[] publicMethods(Class<?> type) {
    Hooks h = hooks;
    return h == null ? type.getMethods() : h.publicMethods(type);
  }
}
