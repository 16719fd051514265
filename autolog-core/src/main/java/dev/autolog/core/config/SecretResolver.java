package dev.autolog.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Resolves secret references. A value that is, after trimming, one of
 *
 * <ul>
 *   <li>{@code {{env:NAME}}}: the environment variable {@code NAME};
 *   <li>{@code {{file:path}}}: the file's content without trailing line breaks;
 *   <li>{@code {{secret_name.key}}}: property {@code key} of
 *       {@code <secrets_dir>/<secret_name>.properties}
 * </ul>
 *
 * <p>is replaced by what it points at; any other value is returned unchanged. Errors name the
 * reference and the file, never the content. Files holding secrets that others can read are
 * reported as warnings.
 */
final class SecretResolver {

  private static final String OPEN = "{{";
  private static final String CLOSE = "}}";
  private static final String ENV = "env:";
  private static final String FILE = "file:";
  private static final String FORMS = "use {{env:NAME}}, {{file:path}} or {{secret_name.key}}";
  // The name becomes part of a file name, so nothing that could walk out of the directory.
  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private final Map<String, String> environment;
  private final PathResolver paths;
  private final Path secretsDirectory;
  private final Diagnostics diagnostics;

  /**
   * @param secretsDirectory where {@code {{secret_name.key}}} looks, or null where such
   *     references cannot be used (while resolving {@code secrets_dir} itself)
   */
  SecretResolver(Map<String, String> environment, PathResolver paths, Path secretsDirectory,
      Diagnostics diagnostics) {
    this.environment = environment;
    this.paths = paths;
    this.secretsDirectory = secretsDirectory;
    this.diagnostics = diagnostics;
  }

  /** Returns true if {@code value} is written as a reference (whether or not it resolves). */
  static boolean isReference(String value) {
    if (value == null) {
      return false;
    }
    String trimmed = value.trim();
    return trimmed.length() >= OPEN.length() + CLOSE.length()
        && trimmed.startsWith(OPEN) && trimmed.endsWith(CLOSE);
  }

  /** Returns what {@code value} refers to, or {@code value} itself if it is not a reference. */
  String resolve(String value) throws ConfigException {
    if (!isReference(value)) {
      return value;
    }
    String reference = value.trim();
    String inner = reference.substring(OPEN.length(), reference.length() - CLOSE.length()).trim();
    if (inner.startsWith(ENV)) {
      return fromEnvironment(reference, inner.substring(ENV.length()).trim());
    }
    if (inner.startsWith(FILE)) {
      return fromFile(reference, inner.substring(FILE.length()).trim());
    }
    int dot = inner.indexOf('.');
    if (dot > 0 && dot < inner.length() - 1) {
      return fromSecretsDirectory(reference, inner.substring(0, dot).trim(),
          inner.substring(dot + 1).trim());
    }
    throw new ConfigException(reference + " is not a valid secret reference", FORMS);
  }

  private String fromEnvironment(String reference, String name) throws ConfigException {
    if (name.isEmpty()) {
      throw new ConfigException(reference + " names no environment variable", FORMS);
    }
    String value = environment.get(name);
    if (value == null) {
      throw new ConfigException("the environment variable " + name + " referenced by "
          + reference + " is not set", "set " + name + " or change the reference");
    }
    return value;
  }

  private String fromFile(String reference, String path) throws ConfigException {
    if (path.isEmpty()) {
      throw new ConfigException(reference + " names no file", FORMS);
    }
    Path file = paths.resolve(path);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("the file " + file + " referenced by " + reference
          + " does not exist", "create it or fix the path (relative paths start in "
          + paths.workingDirectory() + ")");
    }
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new ConfigException("the file " + file + " referenced by " + reference
          + " is not UTF-8 text", "save it as UTF-8");
    } catch (IOException | SecurityException e) {
      // The exception's own message is left out: only its type, never any content.
      throw new ConfigException("the file " + file + " referenced by " + reference
          + " cannot be read (" + e.getClass().getSimpleName() + ")",
          "make it readable by the user running the JVM");
    }
    FilePermissions.warnIfReadableByOthers(file,
        "secret file " + file + " holds a plain-text secret", diagnostics);
    return stripTrailingLineBreaks(content);
  }

  private String fromSecretsDirectory(String reference, String name, String key)
      throws ConfigException {
    if (secretsDirectory == null) {
      throw new ConfigException(reference + " cannot be used for secrets_dir itself",
          "write the directory's path, or use {{env:NAME}} or {{file:path}}");
    }
    if (!SECRET_NAME.matcher(name).matches()) {
      throw new ConfigException("the secret name in " + reference
          + " may only contain letters, digits, '_' and '-'", FORMS);
    }
    Path file = secretsDirectory.resolve(name + ".properties");
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("the secret file " + file + " for " + reference
          + " does not exist", "create it with a line " + key
          + "=<value>, or set secrets_dir to the directory that holds it");
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      throw new ConfigException("the secret file " + file + " for " + reference
          + " cannot be read as a UTF-8 properties file (" + e.getClass().getSimpleName() + ")",
          "make it readable and write one key=value per line");
    }
    String value = properties.getProperty(key);
    if (value == null) {
      throw new ConfigException("the secret file " + file + " has no key \"" + key
          + "\" (needed by " + reference + ")", "add a line " + key + "=<value> to it");
    }
    FilePermissions.warnIfReadableByOthers(file,
        "secret file " + file + " holds plain-text secrets", diagnostics);
    return value;
  }

  private static String stripTrailingLineBreaks(String content) {
    int end = content.length();
    while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
      end--;
    }
    return content.substring(0, end);
  }
}
