package dev.autolog.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json} against Jackson: what it writes, Jackson reads back as the same values. */
class JsonTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Test
  void compactOutputIsWhatJacksonWritesForPlainValues() throws Exception {
    Map<String, Object> value = sample();
    assertEquals(JACKSON.writeValueAsString(value), Json.compact(value));
    assertEquals("[]", Json.compact(List.of()));
    assertEquals("{}", Json.compact(Map.of()));
    assertEquals("null", Json.compact(null));
  }

  @Test
  void prettyOutputReadsBackAsTheSameValues() throws Exception {
    Map<String, Object> value = sample();
    String pretty = Json.pretty(value);
    assertEquals(JACKSON.readTree(JACKSON.writeValueAsString(value)), JACKSON.readTree(pretty));
    Map<String, Object> small = new LinkedHashMap<>();
    small.put("a", List.of(1, "x"));
    small.put("b", Map.of());
    assertEquals("{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {}\n}", Json.pretty(small));
  }

  @Test
  void everyCharacterJsonMustEscapeIsEscaped() throws Exception {
    StringBuilder all = new StringBuilder("quote \" backslash \\ slash / unicode é ☃ 😀");
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    String text = all.toString();
    assertEquals(text, JACKSON.readValue(Json.compact(text), String.class));
    assertEquals(text, JACKSON.readTree(Json.pretty(Map.of(text, text))).get(text).asText());
  }

  @Test
  void nonFiniteNumbersBecomeStringsAndOtherObjectsTheirText() throws Exception {
    assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\",1.5,7,true,\"PT1S\"]",
        Json.compact(Arrays.asList(Double.NaN, Float.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, 7L, true,
            java.time.Duration.ofSeconds(1))));
  }

  private static Map<String, Object> sample() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("empty-list", new ArrayList<>());
    nested.put("empty-map", new LinkedHashMap<>());
    nested.put("null", null);
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("string", "text with \"quotes\" and \\ and\nnewline");
    value.put("int", 42);
    value.put("long", 1234567890123L);
    value.put("double", 0.1);
    value.put("negative", -3.5e-7);
    value.put("bool", false);
    value.put("list", Arrays.asList("a", 1, null, List.of(true)));
    value.put("nested", nested);
    return value;
  }
}
