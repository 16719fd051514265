package dev.autolog.core.tracking.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How requests authenticate, chosen as MLflow's client does: a username with a password gives
 * HTTP Basic, otherwise a token gives Bearer, otherwise nothing is sent. Never prints a secret.
 */
public final class Credentials {
  private final String header;
  private final String kind;

  private Credentials(String header, String kind) {
    this.header = header;
    this.kind = kind;
  }

  /** Credentials from the settings; any argument may be null. */
  public static Credentials of(String username, String password, String token) {
    if (username != null && password != null) {
      String pair = username + ":" + password;
      return new Credentials("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
          "HTTP Basic credentials (tracking_username / tracking_password) for user " + username);
    }
    if (token != null) {
      return new Credentials("Bearer " + token, "a bearer token (tracking_token)");
    }
    return new Credentials(null, "no credentials");
  }

  /** The Authorization header value, or null for none. */
  String header() {
    return header;
  }

  /** What was sent, for messages: never the secret itself. */
  public String describe() {
    return kind;
  }
}
