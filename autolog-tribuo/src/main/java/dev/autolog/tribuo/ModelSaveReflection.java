package dev.autolog.tribuo;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;

/**
 * Keeps Tribuo's model serialization from copying the same methods over and over while the agent
 * saves a model.
 *
 * <p>Tribuo's {@code Model.serializeToFile} writes each part of a model through
 * {@code ProtoUtil.serialize}, whose {@code findMethod} scans {@code Class.getMethods()} of a
 * protobuf builder once for every field it writes, and every such call copies each of the
 * builder's public methods. Saving the Tribuo sample's 11 models made 23 MB of these copies on the
 * logger's thread, after the job's young generation had grown, so that they landed on memory the
 * job never touched. {@link ProtoUtilInstrumentation} sends that one call here instead.
 *
 * <p>While the current thread runs {@link #whileSaving}, the answer is one copy per class, kept in
 * the class itself ({@link ClassValue}: no class loader is held). {@code findMethod} only reads the
 * array and returns one of its methods, which {@code ProtoUtil} then invokes. Every other thread,
 * the job's included, gets {@code getMethods()} itself, so a job's own saves run as they did.
 */
final class ModelSaveReflection {
  private static final ThreadLocal<Boolean> SAVING = new ThreadLocal<>();
  private static final ClassValue<Method[]> PUBLIC_METHODS = new ClassValue<>() {
    @Override
    protected Method[] computeValue(Class<?> type) {
      return type.getMethods();
    }
  };

  private ModelSaveReflection() {}

  /** Runs {@code save} with this thread's lookups answered from the copies. */
  static <T> T whileSaving(Callable<T> save) throws Exception {
    if (SAVING.get() != null) {
      return save.call();
    }
    SAVING.set(Boolean.TRUE);
    try {
      return save.call();
    } finally {
      SAVING.remove();
    }
  }

  /** {@code type.getMethods()}, from the copy kept for {@code type} if this thread is saving. */
  static Method[] publicMethods(Class<?> type) {
    return SAVING.get() != null ? PUBLIC_METHODS.get(type) : type.getMethods();
  }
}
