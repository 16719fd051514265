package dev.autolog.core.tracking.rest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * How requests authenticate, chosen as MLflow's client does: a username with a password gives
 * HTTP Basic, otherwise a token gives Bearer, otherwise nothing is sent. Never prints a secret.
 */
public final class Credentials {
  private final String header;
  private final String kind;
  // Every form in which the secret could come back in a server's answer: the value itself, the
  // header value, and for Basic the base64 of user:password.
  private final List<String> secretForms;

  private Credentials(String header, String kind, String... secretForms) {
    this.header = header;
    this.kind = kind;
    List<String> forms = new ArrayList<>();
    for (String form : secretForms) {
      // Replacing a one- to three-character password everywhere would garble whole messages.
      if (form != null && form.length() >= 4) {
        forms.add(form);
      }
    }
    // Longest first, so that a form containing another is replaced whole.
    forms.sort(Comparator.comparingInt(String::length).reversed());
    this.secretForms = List.copyOf(forms);
  }

  /** Credentials from the settings; any argument may be null. */
  public static Credentials of(String username, String password, String token) {
    if (username != null && password != null) {
      return basic(username, password,
          "HTTP Basic credentials (tracking_username / tracking_password) for user " + username);
    }
    if (token != null) {
      return new Credentials("Bearer " + token, "a bearer token (tracking_token)", token);
    }
    return new Credentials(null, "no credentials");
  }

  /**
   * HTTP Basic credentials from the user info of the tracking URI ({@code http://user:password@host}),
   * which MLflow's Python client sends too (through requests). {@code password} may be empty.
   */
  public static Credentials fromUserInfo(String username, String password) {
    return basic(username, password, "HTTP Basic credentials from the user info of tracking_uri for user "
        + username);
  }

  private static Credentials basic(String username, String password, String kind) {
    String encoded = Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new Credentials("Basic " + encoded, kind, password, encoded);
  }

  /** The Authorization header value, or null for none. */
  String header() {
    return header;
  }

  /**
   * Returns {@code text} (e.g. a server's error page, which may echo the request's headers) with
   * every occurrence of the secret, in any form this object sends it, replaced by {@code ****}.
   */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String form : secretForms) {
      out = out.replace(form, "****");
    }
    return out;
  }

  /** What was sent, for messages: never the secret itself. */
  public String describe() {
    return kind;
  }
}
