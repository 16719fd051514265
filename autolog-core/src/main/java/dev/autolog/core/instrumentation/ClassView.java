package dev.autolog.core.instrumentation;

/** What a {@link TypeMatcher} may ask of a class that is being loaded. */
public interface ClassView {
  /** The binary name, e.g. {@code org.tribuo.classification.sgd.linear.LogisticRegressionTrainer}. */
  String name();

  boolean isInterface();

  /** Whether this class is {@code className} or extends or implements it, directly or not. */
  boolean isSubtypeOf(String className);
}
