package dev.autolog.core.instrumentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The bridge HookWeaverTest's hooks call: records every call, and throws when told to. */
public final class RecordingBridge {
  static final List<List<Object>> enters = new ArrayList<>();
  static final List<List<Object>> exits = new ArrayList<>();
  /** The tokens {@link #enter} returned, in order. */
  static final List<Object> tokens = new ArrayList<>();
  /** The classes {@link #publicMethods} was asked about, in order. */
  static final List<Class<?>> methodsAskedFor = new ArrayList<>();
  static volatile boolean failEnter;
  static volatile boolean failExit;
  private static int issued;

  private RecordingBridge() {}

  static synchronized void reset() {
    enters.clear();
    exits.clear();
    tokens.clear();
    methodsAskedFor.clear();
    failEnter = false;
    failExit = false;
  }

  public static synchronized Object enter(Object self, Object arg0, Object arg1, Object arg2) {
    enters.add(Arrays.asList(self, arg0, arg1, arg2));
    if (failEnter) {
      throw new IllegalStateException("enter fails");
    }
    String token = "token-" + ++issued;
    tokens.add(token);
    return token;
  }

  public static synchronized void exit(Object token, Object self, Object arg0, Object returned, Throwable thrown) {
    exits.add(Arrays.asList(token, self, arg0, returned, thrown));
    if (failExit) {
      throw new IllegalStateException("exit fails");
    }
  }

  /** What a {@code CallSubstitution} of {@code Class.getMethods()} calls: records, then answers as the call would. */
  public static synchronized java.lang.reflect.Method[] publicMethods(Class<?> type) {
    methodsAskedFor.add(type);
    return type.getMethods();
  }
}
