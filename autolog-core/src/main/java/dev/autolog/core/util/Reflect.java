package dev.autolog.core.util;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reflection over library objects. Integrations reach DL4J and Tribuo only through here, so the
 * agent links against no library class and serves any copy of a library in any class loader.
 *
 * <p>Methods are looked up by name and argument count, searching public methods first (through
 * public interfaces and superclasses, since implementation classes may be package-private), then
 * declared ones. Lookups are cached per class, in the class itself ({@link ClassValue}): two copies of
 * a library in two class loaders never share an entry, and the cache keeps no class loader alive.
 */
public final class Reflect {
  private static final ClassValue<Map<String, Method>> METHODS = new ClassValue<>() {
    @Override
    protected Map<String, Method> computeValue(Class<?> type) {
      return new ConcurrentHashMap<>();
    }
  };
  private static final Method MISSING;

  static {
    try {
      MISSING = Reflect.class.getDeclaredMethod("missingMarker");
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Reflect() {}

  @SuppressWarnings("unused")
  private static void missingMarker() {}

  /**
   * Calls {@code target.name(args)}.
   *
   * @throws ReflectiveOperationException when there is no such method or it threw
   */
  public static Object call(Object target, String name, Object... args) throws ReflectiveOperationException {
    Method m = find(target.getClass(), name, args.length);
    if (m == null) {
      throw new NoSuchMethodException(target.getClass().getName() + "." + name + "/" + args.length);
    }
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Calls {@code target.name(args)}, or returns null when the method is missing or fails. */
  public static Object tryCall(Object target, String name, Object... args) {
    if (target == null) {
      return null;
    }
    try {
      return call(target, name, args);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** Calls a static method of the class {@code className} as seen from {@code loader}. */
  public static Object callStatic(ClassLoader loader, String className, String name, Class<?>[] types, Object... args)
      throws ReflectiveOperationException {
    Class<?> c = Class.forName(className, false, loader);
    Method m = c.getMethod(name, types);
    return m.invoke(null, args);
  }

  /** The value of field {@code name} declared by the object's class or a superclass; null if absent. */
  public static Object field(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // keep looking in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  /** Whether {@code obj}'s class is, extends or implements the class named {@code className}. */
  public static boolean isA(Object obj, String className) {
    return obj != null && isA(obj.getClass(), className);
  }

  /** Whether {@code type} is, extends or implements the class named {@code className}. */
  public static boolean isA(Class<?> type, String className) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
      for (Class<?> i : c.getInterfaces()) {
        if (isA(i, className)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Loads {@code className} through the loader of {@code relative}'s class, or null. */
  public static Class<?> classNear(Object relative, String className) {
    try {
      return Class.forName(className, false, relative.getClass().getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static Method find(Class<?> type, String name, int arity) {
    Map<String, Method> methods = METHODS.get(type);
    String key = name + '/' + arity;
    Method m = methods.get(key);
    if (m == null) {
      m = lookup(type, name, arity);
      methods.put(key, m == null ? MISSING : m);
    }
    return m == MISSING ? null : m;
  }

  private static Method lookup(Class<?> type, String name, int arity) {
    // A public method declared on a public type is callable without setAccessible.
    Method best = publicOnPublicType(type, name, arity);
    if (best != null) {
      return best;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && m.getParameterCount() == arity && !m.isBridge()) {
          try {
            m.setAccessible(true);
            return m;
          } catch (RuntimeException e) {
            // inaccessible (named module): try the next candidate
          }
        }
      }
    }
    return null;
  }

  private static Method publicOnPublicType(Class<?> type, String name, int arity) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (Modifier.isPublic(c.getModifiers())) {
        for (Method m : c.getDeclaredMethods()) {
          if (m.getName().equals(name) && m.getParameterCount() == arity
              && Modifier.isPublic(m.getModifiers()) && !m.isBridge()) {
            return m;
          }
        }
      }
      for (Class<?> i : c.getInterfaces()) {
        Method m = publicOnPublicType(i, name, arity);
        if (m != null) {
          return m;
        }
      }
    }
    return null;
  }
}
