package dev.autolog.core.instrumentation;

import java.util.List;

/**
 * The hooks one kind of class gets, e.g. every Tribuo trainer's {@code train} methods, and the
 * calls replaced in its methods.
 *
 * @param types the classes to instrument
 * @param hooks what to inline into their methods; a method matched by more than one gets the first
 * @param substitutions calls to replace in their methods; a method may get hooks and substitutions
 */
public record TypeInstrumentation(TypeMatcher types, List<MethodHook> hooks, List<CallSubstitution> substitutions) {
  public TypeInstrumentation {
    hooks = List.copyOf(hooks);
    substitutions = List.copyOf(substitutions);
  }

  public TypeInstrumentation(TypeMatcher types, List<MethodHook> hooks) {
    this(types, hooks, List.of());
  }

  public TypeInstrumentation(TypeMatcher types, MethodHook hook) {
    this(types, List.of(hook), List.of());
  }

  public TypeInstrumentation(TypeMatcher types, CallSubstitution substitution) {
    this(types, List.of(), List.of(substitution));
  }
}
