package dev.autolog.core.tracking;

import java.io.IOException;

/**
 * A tracker refuses this data for good (a changed param, a run that no longer exists): sending it
 * again cannot help, so it is reported and dropped rather than kept in the journal, where it would
 * hold up everything behind it.
 */
public final class DataRefusedException extends IOException {
  /** A refusal explained by {@code message}. */
  public DataRefusedException(String message) {
    super(message);
  }
}
