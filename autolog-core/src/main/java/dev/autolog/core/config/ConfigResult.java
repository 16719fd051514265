package dev.autolog.core.config;

import java.util.List;

/**
 * The outcome of {@link ConfigLoader#load}: a configuration, warnings and errors, each printable
 * as one line. When there is any error the configuration is disabled, so that a misconfigured
 * agent stays out of the application's way instead of half-working.
 */
public final class ConfigResult {

  private final AutologConfig config;
  private final List<String> warnings;
  private final List<ConfigProblem> errors;

  ConfigResult(AutologConfig config, List<String> warnings, List<ConfigProblem> errors) {
    this.warnings = List.copyOf(warnings);
    this.errors = List.copyOf(errors);
    this.config = this.errors.isEmpty() || !config.enabled()
        ? config : AutologConfig.disabled(ConfigSource.DEFAULT);
  }

  /** Returns the configuration; disabled whenever {@link #errors()} is not empty. */
  public AutologConfig config() {
    return config;
  }

  /** Returns the warnings, one line each; they do not disable anything. */
  public List<String> warnings() {
    return warnings;
  }

  /** Returns the errors; each {@link ConfigProblem#message()} is one line. */
  public List<ConfigProblem> errors() {
    return errors;
  }

  /** Returns true if there is at least one error (and the configuration is therefore disabled). */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }
}
