package dev.autolog.core.instrumentation;

/**
 * A value a {@link MethodHook} passes to its bridge method. Everything is passed as an
 * {@code Object} (primitives boxed), except {@link #THROWN}, which is a {@code Throwable}.
 */
public enum HookValue {
  /** The instance the method runs on. */
  THIS,
  /** The method's first parameter, or null if it has none. */
  ARGUMENT_0,
  /** The second parameter, or null. */
  ARGUMENT_1,
  /** The third parameter, or null. */
  ARGUMENT_2,
  /** What the entry call returned (exit only). */
  TOKEN,
  /** What the method returned; null when it threw or returns nothing (exit only). */
  RETURNED,
  /** What the method threw; null when it returned (exit only). */
  THROWN;

  /** The parameter index of an {@code ARGUMENT_n}, or -1. */
  int argumentIndex() {
    return switch (this) {
      case ARGUMENT_0 -> 0;
      case ARGUMENT_1 -> 1;
      case ARGUMENT_2 -> 2;
      default -> -1;
    };
  }
}
