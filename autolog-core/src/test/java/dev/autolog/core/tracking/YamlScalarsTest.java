package dev.autolog.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expectations checked against PyYAML 6.0 {@code safe_dump(default_flow_style=False,
 * allow_unicode=True)}, the dumper MLflow's file store uses.
 */
class YamlScalarsTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "123", "-7", "1.5", ".5", "1_000", "0x1F", "12:30", ".inf",
      "yes", "no", "NO", "Off", "true", "False", "null", "Null", "~", "2024-01-01",
      " leading space", "trailing ", "a: b", "ends:", "a #b", "543922625438848347"})
  void quotesWhatPyYamlQuotes(String s) {
    assertEquals("'" + s + "'", YamlScalars.string(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo-run", "Default", "file:///home/x/mlruns/0", "root", "active",
      "ed516be043c148b5987bd1c55749c03a", "file-store-demo", "/home/user/project/train.py",
      "MultiLayerNetwork-1", "a\\b", "a:b", "run 1"})
  void leavesPlainWhatPyYamlLeavesPlain(String s) {
    assertEquals(s, YamlScalars.string(s));
  }

  @Test
  void theEmptyStringIsTwoSingleQuotes() {
    assertEquals("''", YamlScalars.string(""));
  }

  @Test
  void singleQuotesInsideAreDoubled() {
    assertEquals("'it''s: x'", YamlScalars.string("it's: x"));
  }

  @Test
  void controlCharactersAreEscapedInDoubleQuotes() {
    assertEquals("\"tab\\there\"", YamlScalars.string("tab\there"));
    assertEquals("\"a\\nb\"", YamlScalars.string("a\nb"));
    assertEquals("\"cr\\r\"", YamlScalars.string("cr\r"));
    assertEquals("\"\\x01\"", YamlScalars.string("\u0001"));
    assertEquals("\"\\x7F\"", YamlScalars.string("\u007f"));
    assertEquals("\"say \\\"hi\\\" \\\\ \\n\"", YamlScalars.string("say \"hi\" \\ \n"));
  }

  @Test
  void yamlLineBreaksBeyondNewlineAreEscapedToo() {
    // In quotes a reader folds NEL, LS and PS like a newline, so they must be escaped.
    assertEquals("\"a\\Nb\"", YamlScalars.string("a\u0085b"));
    assertEquals("\"a\\Lb\"", YamlScalars.string("a\u2028b"));
    assertEquals("\"a\\Pb\"", YamlScalars.string("a\u2029b"));
    assertEquals("\"\\x9B\"", YamlScalars.string("\u009b"));
  }

  @Test
  void exponentNumbersWithoutADotAreQuotedForYaml12Readers() {
    // PyYAML would leave 1e5 plain; Jackson (which re-reads meta.yaml) would read a number.
    assertEquals("'1e5'", YamlScalars.string("1e5"));
    assertEquals("'2E-3'", YamlScalars.string("2E-3"));
  }

  @Test
  void everyRenderingReadsBackAsTheSameString() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<String> samples = List.of("0", "1e5", "yes", "y", "~", "", " x", "a: b", "it's", "a\nb",
        "tab\t", "q\"q", "a\u0085b", "caf\u00e9", "\u65e5\u672c", "...", "-", "- a", "#x", "[a]", "{a}",
        "@x", "%x", "!x", "&x", "*x", "|x", ">x", "?x", "=", "2024-01-01T10:00:00");
    for (String s : samples) {
      Object back = yaml.readValue("k: " + YamlScalars.string(s) + "\n", Map.class).get("k");
      assertEquals(s, back, "rendered as " + YamlScalars.string(s));
    }
  }
}
