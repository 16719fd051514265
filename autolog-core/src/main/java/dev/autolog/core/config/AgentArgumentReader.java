package dev.autolog.core.config;

/**
 * Reads the agent argument string, {@code key=value,key=value}. Pairs are split on {@code ,} and
 * each pair at its first {@code =}, so values may contain {@code =} but not {@code ,}.
 */
final class AgentArgumentReader {

  private AgentArgumentReader() {}

  static Layer read(String agentArgs, Diagnostics diagnostics) {
    Layer layer = new Layer();
    if (agentArgs == null || agentArgs.isBlank()) {
      return layer;
    }
    String[] entries = agentArgs.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i];
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.indexOf('=');
      if (equals < 0) {
        // The entry is not echoed: it may be the tail of a password that contained a ','.
        diagnostics.warn("agent argument entry " + (i + 1) + " has no '=' and is ignored;"
            + " write key=value pairs separated by ',' (a value cannot contain ',';"
            + " use a {{file:...}} or {{env:...}} reference for such values)");
        continue;
      }
      layer.accept(entry.substring(0, equals), entry.substring(equals + 1),
          ConfigSource.AGENT_ARGUMENT, diagnostics);
    }
    return layer;
  }
}
