package dev.autolog.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MlflowLimitsTest {

  @ParameterizedTest
  @ValueSource(strings = {"loss", "train/loss", "val loss", "a.b-c_d", "epoch:1", "Layer_0/W",
      "x/.hidden", ".5", "a.b/c d"})
  void validKeysAreUnchanged(String key) {
    assertEquals(key, MlflowLimits.sanitizeKey(key));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "loss@1|loss_1",
      "a\u00e9b|a_b",
      "a,b;c|a_b_c",
      "a//b|a/b",
      "a///b|a/b",
      "/abs/key|abs/key",
      "trailing/|trailing",
      "../up|__/up",
      "x..y|x__y",
      "a/../b|a/__/b",
      "./a|a",
      "a/./b|a/b",
      "a/.|a",
      "././a|a"})
  void repairsBadCharactersAndPathTricks(String key, String expected) {
    assertEquals(expected, MlflowLimits.sanitizeKey(key));
  }

  @Test
  void everyCharacterIsKeptOrReplacedAsMlflowsPatternSays() {
    // The check that skips the regex for valid keys must agree with it on every character.
    for (char c = 0; c < 0x3000; c++) {
      String kept = String.valueOf(c).matches("[A-Za-z0-9_\\-. /:]") ? String.valueOf(c) : "_";
      assertEquals("a" + kept + "b", MlflowLimits.sanitizeKey("a" + c + "b"), "character " + (int) c);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "//", ".", "./", "/."})
  void nothingUsableLeftBecomesAnUnderscore(String key) {
    assertEquals("_", MlflowLimits.sanitizeKey(key));
  }

  @Test
  void nullBecomesAnUnderscore() {
    assertEquals("_", MlflowLimits.sanitizeKey(null));
  }

  @Test
  void longKeysAreCutTo250() {
    String key = "k".repeat(300);
    assertEquals("k".repeat(250), MlflowLimits.sanitizeKey(key));
  }

  @Test
  void aCutNeverLeavesATrailingSlashOrDotSegment() {
    // posixpath.normpath would change "…/" or "…/.", which MLflow rejects.
    assertEquals("k".repeat(249), MlflowLimits.sanitizeKey("k".repeat(249) + "/tail"));
    assertEquals("k".repeat(248), MlflowLimits.sanitizeKey("k".repeat(248) + "/.tail"));
  }

  @Test
  void truncateKeepsShortValuesAsTheyAre() {
    String value = "abc";
    assertSame(value, MlflowLimits.truncate(value, 3));
    assertEquals("ab", MlflowLimits.truncate("abcdef", 2));
    assertEquals("", MlflowLimits.truncate("abc", 0));
  }

  @Test
  void truncateDoesNotSplitASurrogatePair() {
    String smile = "\ud83d\ude00";
    assertEquals("a", MlflowLimits.truncate("a" + smile, 2));
    assertEquals("a" + smile, MlflowLimits.truncate("a" + smile + "b", 3));
  }

  @Test
  void paramAndTagLimitsAreMlflows() {
    assertTrue(MlflowLimits.fitsParam("x".repeat(6000)));
    assertFalse(MlflowLimits.fitsParam("x".repeat(6001)));
    assertTrue(MlflowLimits.fitsTag("x".repeat(8000)));
    assertFalse(MlflowLimits.fitsTag("x".repeat(8001)));
  }
}
