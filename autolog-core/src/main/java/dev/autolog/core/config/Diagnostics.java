package dev.autolog.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the warnings and errors of one load, so that loading itself never throws or prints. */
final class Diagnostics {

  // A set: the same file may be checked several times, but its warning should appear once.
  private final Set<String> warnings = new LinkedHashSet<>();
  private final List<ConfigProblem> errors = new ArrayList<>();

  void warn(String line) {
    warnings.add(OneLine.of(line));
  }

  void error(ConfigProblem problem) {
    errors.add(problem);
  }

  void error(ConfigKey key, ConfigSource source, String rawValue, String reason, String fix) {
    errors.add(ConfigProblem.of(key.key(), source, rawValue, reason, fix));
  }

  /** Warns about a setting name that is not a {@link ConfigKey}, naming the closest one. */
  void unknownKey(String name, ConfigSource source) {
    warn("unknown setting \"" + name + "\" (" + source + "); did you mean \""
        + KeySuggester.closest(name) + "\"? The setting is ignored");
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  void clearErrors() {
    errors.clear();
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  List<ConfigProblem> errors() {
    return List.copyOf(errors);
  }
}
