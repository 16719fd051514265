package dev.autolog.core.config;

import java.util.Map;
import java.util.TreeMap;

/** Reads the {@code autolog.<key>} system properties, e.g. {@code -Dautolog.dl4j.enabled=false}. */
final class SystemPropertyReader {

  /**
   * {@code -Dautolog.debug=true} switches on the agent's debug output (read by the agent's log, before any
   * configuration exists); it is not a setting, but not an unknown one either.
   */
  static final String DEBUG_PROPERTY = "autolog.debug";

  private SystemPropertyReader() {}

  static Layer read(Map<String, String> systemProperties, Diagnostics diagnostics) {
    Layer layer = new Layer();
    String prefix = ConfigKey.systemPropertyPrefix();
    // Sorted, so that warnings and the order of tags do not depend on hash order.
    for (Map.Entry<String, String> property : new TreeMap<>(systemProperties).entrySet()) {
      String name = property.getKey();
      if (name.startsWith(prefix) && property.getValue() != null && !name.equals(DEBUG_PROPERTY)) {
        layer.accept(name.substring(prefix.length()), property.getValue(),
            ConfigSource.systemProperty(name), diagnostics);
      }
    }
    return layer;
  }
}
