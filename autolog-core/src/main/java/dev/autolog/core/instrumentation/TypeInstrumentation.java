package dev.autolog.core.instrumentation;

import java.util.List;

/**
 * The hooks one kind of class gets, e.g. every Tribuo trainer's {@code train} methods.
 *
 * @param types the classes to instrument
 * @param hooks what to inline into their methods; a method matched by more than one gets the first
 */
public record TypeInstrumentation(TypeMatcher types, List<MethodHook> hooks) {
  public TypeInstrumentation {
    hooks = List.copyOf(hooks);
  }

  public TypeInstrumentation(TypeMatcher types, MethodHook hook) {
    this(types, List.of(hook));
  }
}
