package dev.autolog.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises the tracking URI forms the agent can write to, and explains the ones it cannot. */
final class TrackingUris {

  static final String ACCEPTED_FORMS = "use a file path (e.g. ./mlruns), a file: URI,"
      + " http(s)://host[:port], databricks or databricks://<profile>";

  private static final String DATABRICKS = "databricks";
  private static final String DATABRICKS_PREFIX = "databricks://";
  // Two characters at least, so that a Windows drive letter ("C:\runs") reads as a path.
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):");
  private static final Set<String> DATABASE_SCHEMES =
      Set.of("sqlite", "postgresql", "postgres", "mysql", "mssql");
  // What java.net.URI refuses but servers commonly use, e.g. docker service names with '_'.
  private static final Pattern LENIENT_HOST = Pattern.compile("[A-Za-z0-9._-]+(:[0-9]+)?");

  private TrackingUris() {}

  /** Returns true for {@code databricks} and {@code databricks://<profile>}. */
  static boolean isDatabricks(String uri) {
    return uri != null && (uri.equals(DATABRICKS) || uri.startsWith(DATABRICKS_PREFIX));
  }

  /** Returns the ~/.databrickscfg profile a Databricks URI names ({@code DEFAULT} for none). */
  static String databricksProfile(String uri) {
    return uri.startsWith(DATABRICKS_PREFIX) ? uri.substring(DATABRICKS_PREFIX.length())
        : "DEFAULT";
  }

  /** Throws if {@code uri} is not one of the accepted forms. */
  static void check(String uri) throws ConfigException {
    if (uri.equals(DATABRICKS)) {
      return;
    }
    if (uri.startsWith(DATABRICKS_PREFIX)) {
      if (databricksProfile(uri).isBlank()) {
        throw new ConfigException("databricks:// names no profile",
            "write databricks://<profile>, or databricks for the DEFAULT profile; otherwise "
                + ACCEPTED_FORMS);
      }
      return;
    }
    Matcher scheme = SCHEME.matcher(uri);
    if (!scheme.lookingAt()) {
      return; // A plain file system path, relative or absolute.
    }
    String name = scheme.group(1).toLowerCase(Locale.ROOT);
    String baseName = name.contains("+") ? name.substring(0, name.indexOf('+')) : name;
    if (name.equals("file")) {
      if (uri.length() == scheme.end()) {
        throw new ConfigException("file: names no directory", ACCEPTED_FORMS);
      }
    } else if (name.equals("http") || name.equals("https")) {
      checkHttp(uri);
    } else if (DATABASE_SCHEMES.contains(baseName)) {
      throw new ConfigException("database tracking URIs (" + baseName + ") are not supported yet",
          "use a file path such as ./mlruns or an http(s):// MLflow server");
    } else if (uri.substring(scheme.end()).matches("[0-9]+(/.*)?")) {
      throw new ConfigException("\"" + name + ":\" is not a URI scheme", "did you mean http://"
          + Secrets.stripUserInfo(uri) + "? Otherwise " + ACCEPTED_FORMS);
    } else {
      throw new ConfigException("the scheme \"" + name + ":\" is not supported", ACCEPTED_FORMS);
    }
  }

  /**
   * Throws unless {@code host} is a Databricks workspace URL, {@code https://host[:port]} (http too), or a bare
   * {@code host[:port]}, to which https:// is added.
   */
  static void checkDatabricksHost(String host) throws ConfigException {
    String fix = "write the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net";
    Matcher scheme = SCHEME.matcher(host);
    if (scheme.lookingAt() && host.startsWith("//", scheme.end())) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (!name.equals("http") && !name.equals("https")) {
        throw new ConfigException("the scheme \"" + name + ":\" is not a workspace URL", fix);
      }
      try {
        checkHttp(host);
      } catch (ConfigException e) {
        throw new ConfigException(e.reason(), fix);
      }
    } else if (!LENIENT_HOST.matcher(Secrets.stripUserInfo(host).replaceFirst("/.*", "")).matches()) {
      throw new ConfigException("not a host name or URL", fix);
    }
  }

  private static void checkHttp(String uri) throws ConfigException {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      // getReason() does not repeat the input, which may hold a password.
      throw new ConfigException("not a valid http(s) URI (" + e.getReason() + ")", ACCEPTED_FORMS);
    }
    if (parsed.getHost() != null) {
      return;
    }
    String authority = parsed.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new ConfigException("the URI has no host", "write http(s)://host[:port]");
    }
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (!LENIENT_HOST.matcher(hostAndPort).matches()) {
      throw new ConfigException("the URI has no valid host", "write http(s)://host[:port]");
    }
  }
}
