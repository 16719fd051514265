package dev.autolog.core.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Class hierarchies read from class files, as a class loader's resources: asking whether a class
 * being defined implements an interface must not load its super types (they may be loading right
 * now, on this thread). Each class file's direct super types are read once per class loader.
 */
final class SuperTypes {
  private static final String[] NONE = new String[0];

  /** Direct super types (internal names) by internal name, per class loader; null loader: the bootstrap loader. */
  private final Map<ClassLoader, Map<String, String[]>> direct = new WeakHashMap<>();

  /**
   * Whether a class with these direct super types is, extends or implements {@code wanted}.
   *
   * @param loader the class loader defining the class
   * @param internalName the class's internal name
   * @param superName its super class (null for {@code java/lang/Object} and modules)
   * @param interfaces its interfaces
   * @param wanted the internal name looked for
   */
  boolean isSubtype(ClassLoader loader, String internalName, String superName, String[] interfaces, String wanted) {
    if (internalName.equals(wanted)) {
      return true;
    }
    Deque<String> pending = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    push(pending, superName, interfaces);
    while (!pending.isEmpty()) {
      String name = pending.pop();
      if (!seen.add(name)) {
        continue;
      }
      if (name.equals(wanted)) {
        return true;
      }
      if (!name.startsWith("java/")) { // the JDK's types implement no library's interface
        push(pending, null, directSuperTypes(loader, name));
      }
    }
    return false;
  }

  private static void push(Deque<String> pending, String superName, String[] interfaces) {
    if (superName != null) {
      pending.push(superName);
    }
    for (String i : interfaces) {
      pending.push(i);
    }
  }

  private String[] directSuperTypes(ClassLoader loader, String internalName) {
    Map<String, String[]> known;
    synchronized (direct) {
      known = direct.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
    }
    return known.computeIfAbsent(internalName, name -> read(loader, name));
  }

  /** The class file's super class and interfaces; none if it cannot be read. */
  private static String[] read(ClassLoader loader, String internalName) {
    String resource = internalName + ".class";
    try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
        : loader.getResourceAsStream(resource)) {
      if (in == null) {
        return NONE;
      }
      ClassReader reader = new ClassReader(in.readAllBytes());
      String[] interfaces = reader.getInterfaces();
      String superName = reader.getSuperName();
      if (superName == null) {
        return interfaces;
      }
      String[] all = new String[interfaces.length + 1];
      all[0] = superName;
      System.arraycopy(interfaces, 0, all, 1, interfaces.length);
      return all;
    } catch (IOException | RuntimeException e) {
      return NONE; // an unreadable class file: the type does not match, as if it were absent
    }
  }
}
