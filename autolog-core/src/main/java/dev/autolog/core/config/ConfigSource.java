package dev.autolog.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a setting's value came from, for messages such as
 * {@code invalid setting nested (system property autolog.nested) = "maybe": ...}.
 *
 * @param description a short human-readable description, for example {@code "agent argument"},
 *     {@code "environment AUTOLOG_TRACKING_URI"} or {@code "config file /abs/autolog.yaml"}
 */
public record ConfigSource(String description) {

  /** The value was not set anywhere; the built-in default applies. */
  public static final ConfigSource DEFAULT = new ConfigSource("default");

  /** No {@code config} setting: the file is {@code ./autolog.yaml}, found in the working directory. */
  public static final ConfigSource DISCOVERED_CONFIG_FILE =
      new ConfigSource("found as ./autolog.yaml in the working directory");

  /** The {@code -javaagent:autolog.jar=key=value,...} argument string. */
  public static final ConfigSource AGENT_ARGUMENT = new ConfigSource("agent argument");

  /** Checks that the description is present. */
  public ConfigSource {
    Objects.requireNonNull(description, "description");
  }

  /** Returns the source for the system property {@code name}, e.g. {@code autolog.tracking_uri}. */
  public static ConfigSource systemProperty(String name) {
    return new ConfigSource("system property " + name);
  }

  /** Returns the source for the environment variable {@code name}. */
  public static ConfigSource environment(String name) {
    return new ConfigSource("environment " + name);
  }

  /** Returns the source for the YAML config file at {@code file} (absolute). */
  public static ConfigSource configFile(Path file) {
    return new ConfigSource("config file " + file);
  }

  /** Returns {@link #description()}. */
  @Override
  public String toString() {
    return description;
  }
}
