package dev.autolog.core.instrumentation;

import java.util.Set;

/** Which classes an instrumentation applies to, decided from class files without loading a class. */
@FunctionalInterface
public interface TypeMatcher {
  boolean matches(ClassView type);

  /** Both this and {@code other}. */
  default TypeMatcher and(TypeMatcher other) {
    return type -> matches(type) && other.matches(type);
  }

  /** Classes with one of these binary names ({@code org.tribuo.evaluation.CrossValidation}). */
  static TypeMatcher named(String... names) {
    Set<String> set = Set.of(names);
    return type -> set.contains(type.name());
  }

  /** Classes whose binary name starts with {@code prefix}. */
  static TypeMatcher nameStartsWith(String prefix) {
    return type -> type.name().startsWith(prefix);
  }

  /** Classes and enums; not interfaces. */
  static TypeMatcher notInterface() {
    return type -> !type.isInterface();
  }

  /**
   * {@code className} itself and every class or interface extending or implementing it, directly or
   * not. The hierarchy is read from class files; a super type whose class file cannot be found
   * counts as not matching.
   */
  static TypeMatcher hasSuperType(String className) {
    return type -> type.isSubtypeOf(className);
  }
}
