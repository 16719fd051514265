package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {

  @Test
  void masksSecretKeysOnly() {
    assertEquals("****", Secrets.mask("tracking_password", "hunter2"));
    assertEquals("****", Secrets.mask("tracking_token", "abc"));
    assertEquals("alice", Secrets.mask("tracking_username", "alice"));
    assertNull(Secrets.mask("tracking_password", null));
  }

  @Test
  void anyNameMentioningPasswordTokenOrSecretIsSecret() {
    assertTrue(Secrets.isSecretKey("tags.db_password"));
    assertTrue(Secrets.isSecretKey("tags.API_TOKEN"));
    assertTrue(Secrets.isSecretKey("client_secret"));
    assertFalse(Secrets.isSecretKey("tags.team"));
    // A declared key decides for itself: the secrets directory's path is not a secret.
    assertFalse(Secrets.isSecretKey("secrets_dir"));
    assertEquals("/x", Secrets.mask("secrets_dir", "/x"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://alice:pw@host:5000/path | http://host:5000/path",
      "https://token@host | https://host",
      "https://alice:p/ss@host/x | https://host/x",
      "https://alice:p@ss@host | https://host",
      "https://host:5000/x | https://host:5000/x",
      "./mlruns | ./mlruns",
      "/data/runs@v1 | /data/runs@v1",
      "databricks://profile | databricks://profile",
      "user:pass@host | user:host",
  })
  void stripsUserInfo(String uri, String expected) {
    assertEquals(expected, Secrets.stripUserInfo(uri));
  }

  @Test
  void stripUserInfoKeepsNull() {
    assertNull(Secrets.stripUserInfo(null));
  }
}
