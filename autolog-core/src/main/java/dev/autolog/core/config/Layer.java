package dev.autolog.core.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings found in one kind of source (agent argument, system properties, environment, YAML
 * file or MLflow's environment names). Layers are merged by {@link MergedSettings}.
 *
 * <p>Blank values are dropped: an empty {@code AUTOLOG_RUN_NAME=} means "not set here", so a
 * lower source or the default applies. Values are trimmed.
 */
final class Layer {

  private static final String TAG_PREFIX = "tags.";

  private final Map<ConfigKey, Setting> values = new EnumMap<>(ConfigKey.class);
  private final Map<String, Setting> tags = new LinkedHashMap<>();

  /**
   * Records {@code name=value} where {@code name} is a canonical setting name, {@code tags},
   * or {@code tags.<tag name>}. Unknown names produce a warning and are otherwise ignored.
   */
  void accept(String name, String value, ConfigSource source, Diagnostics diagnostics) {
    String trimmed = name.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith(TAG_PREFIX)) {
      // The tag name keeps its case: tags are user data, only setting names are case-insensitive.
      putTag(trimmed.substring(TAG_PREFIX.length()), value, source, diagnostics);
      return;
    }
    ConfigKey key = ConfigKey.byName(lower);
    if (key == null) {
      diagnostics.unknownKey(lower, source);
    } else if (key == ConfigKey.TAGS) {
      putTagList(value, source, diagnostics);
    } else {
      put(key, value, source);
    }
  }

  void put(ConfigKey key, String value, ConfigSource source) {
    if (value != null && !value.isBlank()) {
      values.put(key, new Setting(value.trim(), source));
    }
  }

  /** Adds one tag; an empty tag name is an error, a blank value means "not set here". */
  void putTag(String name, String value, ConfigSource source, Diagnostics diagnostics) {
    String tagName = name.trim();
    if (tagName.isEmpty()) {
      diagnostics.error(ConfigKey.TAGS, source, null, "a tag has an empty name",
          "write tags.<name>=value or tags=name:value;name:value");
      return;
    }
    if (value != null && !value.isBlank()) {
      tags.put(tagName, new Setting(value.trim(), source));
    }
  }

  /** Parses {@code team:ml;stage:dev}: {@code ;}-separated pairs, split at the first {@code :}. */
  void putTagList(String list, ConfigSource source, Diagnostics diagnostics) {
    if (list == null) {
      return;
    }
    String[] entries = list.split(";", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i];
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon < 0) {
        // Only the position: "api_token=abc" (a '=' typed for ':') would otherwise be printed.
        diagnostics.error(ConfigKey.TAGS, source, null,
            "tag entry " + (i + 1) + " has no ':'",
            "write tags as name:value pairs separated by ';', e.g. tags=team:ml;stage:dev");
        continue;
      }
      putTag(entry.substring(0, colon), entry.substring(colon + 1), source, diagnostics);
    }
  }

  Setting get(ConfigKey key) {
    return values.get(key);
  }

  Map<ConfigKey, Setting> values() {
    return Collections.unmodifiableMap(values);
  }

  Map<String, Setting> tags() {
    return Collections.unmodifiableMap(tags);
  }
}
