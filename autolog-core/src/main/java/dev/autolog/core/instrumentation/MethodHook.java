package dev.autolog.core.instrumentation;

import java.util.List;

/**
 * Calls inlined into every method {@code methods} matches: on entry,
 * {@code bridge.enter(enterValues...)}, whose result is kept as the token; on every exit, normal or
 * by an exception, {@code bridge.exit(exitValues...)}. Both are static methods of the bridge class
 * taking {@code Object}s ({@code Throwable} for {@link HookValue#THROWN}); {@code enter} returns
 * {@code Object} and {@code exit} returns nothing. Whatever either throws is dropped, so the
 * method's behaviour, return value and exceptions are those it had.
 *
 * @param methods the methods of a matched class to hook. Methods without code (abstract, native)
 *     and constructors are never hooked; static ones cannot be (a class with one that matches is
 *     left unchanged and reported)
 * @param bridge binary name of the bridge class, which every class loader of the library must see
 * @param enter name of the bridge's entry method
 * @param enterValues what {@code enter} gets
 * @param exit name of the bridge's exit method
 * @param exitValues what {@code exit} gets
 */
public record MethodHook(MethodMatcher methods, String bridge, String enter, List<HookValue> enterValues,
    String exit, List<HookValue> exitValues) {
  public MethodHook {
    enterValues = List.copyOf(enterValues);
    exitValues = List.copyOf(exitValues);
    for (HookValue value : enterValues) {
      if (value == HookValue.TOKEN || value == HookValue.RETURNED || value == HookValue.THROWN) {
        throw new IllegalArgumentException(value + " is only known at exit");
      }
    }
  }

  /** The entry method's descriptor: one {@code Object} per value, returning {@code Object}. */
  String enterDescriptor() {
    return "(" + "Ljava/lang/Object;".repeat(enterValues.size()) + ")Ljava/lang/Object;";
  }

  /** The exit method's descriptor. */
  String exitDescriptor() {
    StringBuilder sb = new StringBuilder("(");
    for (HookValue value : exitValues) {
      sb.append(value == HookValue.THROWN ? "Ljava/lang/Throwable;" : "Ljava/lang/Object;");
    }
    return sb.append(")V").toString();
  }
}
