package dev.autolog.core.instrumentation;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, from a loading class's name and bytes alone, whether it may need instrumenting: it
 * must be in one of the modules' packages, and its class file must hold one of that module's
 * {@linkplain InstrumentationModule#classFileMarkers markers}. Nothing is parsed or loaded, so
 * the classes it turns away cost a name check and a byte search instead of parsing and type
 * matching by the {@link HookWeaver}.
 */
public final class ClassFileFilter {
  private final String[] prefixes;
  private final byte[][][] markers; // per prefix; none: every class of the package

  /**
   * @param markersByPrefix internal-name package prefixes ({@code org/tribuo/}) and the markers of
   *     the module instrumenting each (empty: every class of the package may need instrumenting)
   */
  public ClassFileFilter(Map<String, List<String>> markersByPrefix) {
    prefixes = new String[markersByPrefix.size()];
    markers = new byte[markersByPrefix.size()][][];
    int i = 0;
    for (Map.Entry<String, List<String>> e : markersByPrefix.entrySet()) {
      prefixes[i] = e.getKey();
      markers[i] = e.getValue().stream().map(m -> m.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
      i++;
    }
  }

  /** The filter for {@code modules}: their packages, each with its module's markers. */
  public static ClassFileFilter of(List<InstrumentationModule> modules) {
    Map<String, List<String>> markersByPrefix = new LinkedHashMap<>();
    for (InstrumentationModule module : modules) {
      for (String prefix : module.instrumentedPackages()) {
        markersByPrefix.put(prefix.replace('.', '/'), module.classFileMarkers());
      }
    }
    return new ClassFileFilter(markersByPrefix);
  }

  /** Whether the class named {@code internalName} is in one of the packages, whatever its class file holds. */
  public boolean mayAccept(String internalName) {
    for (String prefix : prefixes) {
      if (internalName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the class named {@code internalName} (e.g. {@code org/tribuo/Trainer}) with class file
   * {@code classFile} may need instrumenting.
   */
  public boolean accepts(String internalName, byte[] classFile) {
    for (int i = 0; i < prefixes.length; i++) {
      if (internalName.startsWith(prefixes[i])) {
        return markers[i].length == 0 || containsAny(classFile, markers[i]);
      }
    }
    return false;
  }

  private static boolean containsAny(byte[] bytes, byte[][] needles) {
    for (byte[] needle : needles) {
      if (indexOf(bytes, needle) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The first index of {@code needle} in {@code bytes}, or -1. */
  static int indexOf(byte[] bytes, byte[] needle) {
    if (needle.length == 0) {
      return 0;
    }
    byte first = needle[0];
    int last = bytes.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (bytes[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
