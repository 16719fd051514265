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

  /** Warns about a setting name that is not a {@link ConfigKey}, naming the one it most likely stands for. */
  void unknownKey(String name, ConfigSource source) {
    String hint;
    String suggestion = KeySuggester.suggest(name);
    if (name.equals("debug")) {
      hint = "debug output is switched on by the system property -Dautolog.debug=true only.";
    } else if (suggestion != null) {
      hint = "did you mean \"" + suggestion + "\"?";
    } else {
      hint = "no setting has a similar name (the README's Configuration table lists them all).";
    }
    warn("unknown setting \"" + name + "\" (" + source + "); " + hint + " The setting is ignored");
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
