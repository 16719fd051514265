package dev.autolog.core.config;

/**
 * A value that cannot be used, with the reason and the fix. Internal to loading: the loader turns
 * it into a {@link ConfigProblem}, adding the setting and its source. The message must never
 * contain a secret's value.
 */
final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String fix;

  ConfigException(String reason, String fix) {
    super(reason, null, false, false);
    this.fix = fix;
  }

  String reason() {
    return getMessage();
  }

  String fix() {
    return fix;
  }
}
