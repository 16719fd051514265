package dev.autolog.core.config;

/**
 * One raw value as written in one source, before secret references are resolved and before it
 * is parsed as a boolean or number.
 */
record Setting(String value, ConfigSource source) {}
