package dev.autolog.core.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The winning raw value of every setting across all layers. A setting comes from the highest
 * layer that has it; tags merge, a higher layer overriding the same tag name.
 */
final class MergedSettings {

  private final Map<ConfigKey, Setting> values = new EnumMap<>(ConfigKey.class);
  private final Map<String, Setting> tags = new LinkedHashMap<>();
  private ConfigSource tagsSource;

  /** @param layersHighestFirst the layers in precedence order, highest first */
  MergedSettings(List<Layer> layersHighestFirst) {
    for (Layer layer : layersHighestFirst) {
      layer.values().forEach(values::putIfAbsent);
      if (tagsSource == null && !layer.tags().isEmpty()) {
        tagsSource = layer.tags().values().iterator().next().source();
      }
    }
    // Lowest first, so that higher layers overwrite; LinkedHashMap keeps each tag's first position.
    for (int i = layersHighestFirst.size() - 1; i >= 0; i--) {
      tags.putAll(layersHighestFirst.get(i).tags());
    }
  }

  Setting get(ConfigKey key) {
    return values.get(key);
  }

  Map<ConfigKey, Setting> values() {
    return Collections.unmodifiableMap(values);
  }

  /** Returns the source of the highest layer that has tags, or null if none has. */
  ConfigSource tagsSource() {
    return tagsSource;
  }

  Map<String, Setting> tags() {
    return Collections.unmodifiableMap(tags);
  }
}
