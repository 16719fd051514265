package dev.autolog.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the YAML config file. Keys are canonical setting names; nested mappings stand for dotted
 * names ({@code dl4j: {enabled: false}} is {@code dl4j.enabled: false}) and {@code tags} is a
 * mapping of tag names to values.
 *
 * <p>The streaming parser is used instead of a tree because it exposes each scalar exactly as
 * written: a password such as {@code 0123} must not come back as the number {@code 123}.
 */
final class YamlConfigReader {

  private static final YAMLFactory YAML = new YAMLFactory();
  /** Stands for a YAML sequence, which no setting accepts. */
  private static final Object SEQUENCE = new Object();

  private YamlConfigReader() {}

  /**
   * Returns the settings in {@code file}, or null after reporting an error against the
   * {@code config} setting (whose source is {@code configSource}) if the file cannot be used.
   */
  static Layer read(Path file, ConfigSource configSource, Diagnostics diagnostics) {
    Map<String, Object> document;
    try (JsonParser parser = YAML.createParser(file.toFile())) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Layer(); // An empty file configures nothing.
      }
      if (first != JsonToken.START_OBJECT) {
        diagnostics.error(ConfigKey.CONFIG, configSource, file.toString(),
            "the file is not a YAML mapping of setting names to values",
            "write one setting per line, e.g. experiment_name: my-experiment");
        return null;
      }
      document = readMapping(parser);
    } catch (JsonProcessingException e) {
      // Only the position: parser messages quote the offending line, which may hold a secret.
      JsonLocation location = e.getLocation();
      String where = location == null ? ""
          : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
      diagnostics.error(ConfigKey.CONFIG, configSource, file.toString(),
          "the file is not valid YAML" + where, "fix the YAML syntax");
      return null;
    } catch (IOException | SecurityException e) {
      diagnostics.error(ConfigKey.CONFIG, configSource, file.toString(),
          "the file cannot be read (" + e.getClass().getSimpleName() + ")",
          "make it a readable file, or point the config setting at one");
      return null;
    }

    ConfigSource source = ConfigSource.configFile(file);
    Layer layer = new Layer();
    List<String> plainSecrets = new ArrayList<>();
    flatten("", document, layer, source, diagnostics, plainSecrets);
    if (!plainSecrets.isEmpty()) {
      FilePermissions.warnIfReadableByOthers(file, "config file " + file
          + " holds plain-text secrets (" + String.join(", ", plainSecrets) + ")", diagnostics);
    }
    return layer;
  }

  private static Map<String, Object> readMapping(JsonParser parser) throws IOException {
    Map<String, Object> mapping = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      mapping.put(name, readValue(parser));
    }
    return mapping;
  }

  private static Object readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      return readMapping(parser);
    }
    if (token == JsonToken.START_ARRAY) {
      parser.skipChildren();
      return SEQUENCE;
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    return parser.getText();
  }

  private static void flatten(String prefix, Map<String, Object> mapping, Layer layer,
      ConfigSource source, Diagnostics diagnostics, List<String> plainSecrets) {
    for (Map.Entry<String, Object> entry : mapping.entrySet()) {
      String name = prefix + entry.getKey().trim();
      String lower = name.toLowerCase(Locale.ROOT);
      Object value = entry.getValue();
      if (lower.equals(ConfigKey.TAGS.key())) {
        readTags(value, layer, source, diagnostics, plainSecrets);
      } else if (lower.equals(ConfigKey.CONFIG.key())) {
        diagnostics.warn("config (" + source + ") has no effect inside the config file;"
            + " set it in the agent argument, -Dautolog.config or AUTOLOG_CONFIG");
      } else if (value instanceof Map<?, ?> nested && ConfigKey.byName(lower) == null
          && !lower.startsWith("tags.")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> children = (Map<String, Object>) nested;
        flatten(name + ".", children, layer, source, diagnostics, plainSecrets);
      } else if (value instanceof Map<?, ?> || value == SEQUENCE) {
        if (ConfigKey.byName(lower) == null && !lower.startsWith("tags.")) {
          diagnostics.unknownKey(lower, source);
        } else {
          diagnostics.error(ConfigProblem.of(lower, source, null,
              "expects a single value, not a " + (value == SEQUENCE ? "list" : "mapping"),
              "write " + lower + ": <value>"));
        }
      } else {
        String text = (String) value;
        notePlainSecret(lower, text, plainSecrets);
        layer.accept(name, text == null ? "" : text, source, diagnostics);
      }
    }
  }

  private static void readTags(Object value, Layer layer, ConfigSource source,
      Diagnostics diagnostics, List<String> plainSecrets) {
    if (value == null) {
      return;
    }
    if (value instanceof String list) {
      // The agent-argument form "team:ml;stage:dev" is accepted here too.
      layer.putTagList(list, source, diagnostics);
      return;
    }
    if (value == SEQUENCE) {
      diagnostics.error(ConfigKey.TAGS, source, null, "expects a mapping, not a list",
          "write tags as a mapping, e.g. tags: {team: ml, stage: dev}");
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tags = (Map<String, Object>) value;
    for (Map.Entry<String, Object> tag : tags.entrySet()) {
      if (tag.getValue() instanceof String text) {
        notePlainSecret("tags." + tag.getKey(), text, plainSecrets);
        layer.putTag(tag.getKey(), text, source, diagnostics);
      } else if (tag.getValue() != null) {
        diagnostics.error(ConfigKey.TAGS, source, null,
            "the tag \"" + tag.getKey() + "\" has a list or mapping as its value",
            "give each tag a single value");
      }
    }
  }

  private static void notePlainSecret(String name, String value, List<String> plainSecrets) {
    if (value != null && !value.isBlank() && Secrets.isSecretKey(name)
        && !SecretResolver.isReference(value)) {
      plainSecrets.add(name);
    }
  }
}
