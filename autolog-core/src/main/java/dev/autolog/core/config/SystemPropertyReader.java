package dev.autolog.core.config;

import java.util.Map;
import java.util.TreeMap;

/** Reads the {@code autolog.<key>} system properties, e.g. {@code -Dautolog.dl4j.enabled=false}. */
final class SystemPropertyReader {

  private SystemPropertyReader() {}

  static Layer read(Map<String, String> systemProperties, Diagnostics diagnostics) {
    Layer layer = new Layer();
    String prefix = ConfigKey.systemPropertyPrefix();
    // Sorted, so that warnings and the order of tags do not depend on hash order.
    for (Map.Entry<String, String> property : new TreeMap<>(systemProperties).entrySet()) {
      String name = property.getKey();
      if (name.startsWith(prefix) && property.getValue() != null) {
        layer.accept(name.substring(prefix.length()), property.getValue(),
            ConfigSource.systemProperty(name), diagnostics);
      }
    }
    return layer;
  }
}
