package dev.autolog.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps secrets out of messages: masking of secret settings and removal of URI user info. */
public final class Secrets {

  /** What a secret value is shown as. Fixed length, so it does not even reveal the length. */
  public static final String MASK = "****";

  // A scheme of two or more characters, so that Windows drive letters ("C:\...") are not schemes.
  private static final Pattern SCHEME_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/*");

  private Secrets() {}

  /**
   * Returns true if the setting named {@code key} holds a secret: a {@link ConfigKey} marked
   * secret, or any other name (such as a tag name) containing "password", "token" or "secret".
   */
  public static boolean isSecretKey(String key) {
    if (key == null) {
      return false;
    }
    ConfigKey known = ConfigKey.byName(key);
    if (known != null) {
      // Declared keys decide for themselves: secrets_dir names a directory, it is not a secret.
      return known.secret();
    }
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("password") || lower.contains("token") || lower.contains("secret");
  }

  /**
   * Returns {@link #MASK} if {@code key} is a secret setting and {@code value} otherwise. A null
   * value stays null, so "unset" remains distinguishable from "set".
   */
  public static String mask(String key, String value) {
    if (value == null) {
      return null;
    }
    return isSecretKey(key) ? MASK : value;
  }

  /**
   * Returns {@code uri} without user info: {@code https://alice:pw@host/x} becomes
   * {@code https://host/x}. Everything between the scheme and the last {@code @} counts as user
   * info, so a password holding an unescaped {@code /}, {@code ?} or {@code #} is removed too; a
   * URI with {@code @} in its path loses that part, which is acceptable for tracking URIs. Values
   * without a scheme (plain paths) are returned unchanged. Null stays null.
   */
  public static String stripUserInfo(String uri) {
    if (uri == null) {
      return null;
    }
    Matcher scheme = SCHEME_PREFIX.matcher(uri);
    if (!scheme.lookingAt()) {
      return uri;
    }
    int start = scheme.end();
    int at = uri.lastIndexOf('@');
    if (at < start) {
      return uri;
    }
    return uri.substring(0, start) + uri.substring(at + 1);
  }

  /**
   * Returns the form of a value that is safe to print: masked if the key is secret, otherwise
   * with URI user info removed (any value may be a URI carrying a password).
   */
  static String display(String key, String value) {
    if (value == null) {
      return null;
    }
    return isSecretKey(key) ? MASK : stripUserInfo(value);
  }
}
