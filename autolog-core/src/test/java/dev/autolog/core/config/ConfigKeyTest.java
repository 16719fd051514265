package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

  @Test
  void byNameFindsEveryKeyIgnoringCaseAndWhitespace() {
    for (ConfigKey key : ConfigKey.values()) {
      assertSame(key, ConfigKey.byName(key.key()));
      assertSame(key, ConfigKey.byName("  " + key.key().toUpperCase() + " "));
    }
  }

  @Test
  void byNameReturnsNullForUnknownNamesAndPerTagNames() {
    assertNull(ConfigKey.byName("trackng_uri"));
    assertNull(ConfigKey.byName("tags.team"));
    assertNull(ConfigKey.byName(null));
  }

  @Test
  void onlyPasswordAndTokenAreSecret() {
    Set<ConfigKey> secret = EnumSet.noneOf(ConfigKey.class);
    for (ConfigKey key : ConfigKey.values()) {
      if (key.secret()) {
        secret.add(key);
      }
    }
    assertEquals(EnumSet.of(ConfigKey.TRACKING_PASSWORD, ConfigKey.TRACKING_TOKEN), secret);
  }

  @Test
  void documentedDefaults() {
    assertEquals("true", ConfigKey.ENABLED.defaultValue());
    assertEquals("false", ConfigKey.NESTED.defaultValue());
    assertEquals("true", ConfigKey.LOG_MODELS.defaultValue());
    assertEquals("1", ConfigKey.LOG_EVERY_N_ITERATIONS.defaultValue());
    assertEquals("false", ConfigKey.RUN_PER_CALL.defaultValue());
    assertEquals("true", ConfigKey.DL4J_ENABLED.defaultValue());
    assertEquals("true", ConfigKey.TRIBUO_ENABLED.defaultValue());
    assertEquals("false", ConfigKey.TRACKING_INSECURE_TLS.defaultValue());
    assertEquals("~/.autolog/secrets", ConfigKey.SECRETS_DIR.defaultValue());
    assertEquals("10000", ConfigKey.FLUSH_TIMEOUT_MS.defaultValue());
    assertEquals("2000", ConfigKey.FINISH_GRACE_MS.defaultValue());
    assertEquals("100000", ConfigKey.QUEUE_CAPACITY.defaultValue());
    assertNull(ConfigKey.TRACKING_URI.defaultValue());
    assertNull(ConfigKey.EXPERIMENT_NAME.defaultValue());
  }

  @Test
  void everyKeyIsDescribedOnOneLine() {
    for (ConfigKey key : ConfigKey.values()) {
      assertFalse(key.description().isBlank(), key.key());
      assertFalse(key.description().contains("\n"), key.key());
    }
  }

  @Test
  void propertyAndEnvironmentNames() {
    assertEquals("autolog.dl4j.enabled", ConfigKey.DL4J_ENABLED.systemProperty());
    assertEquals("AUTOLOG_DL4J_ENABLED", ConfigKey.DL4J_ENABLED.environmentVariable());
    assertEquals("AUTOLOG_TRACKING_URI", ConfigKey.TRACKING_URI.environmentVariable());
    assertTrue(ConfigKey.CONFIG.description().contains("autolog.yaml"));
  }

  @Test
  void defaultsConfigMatchesTheDeclaredDefaults() {
    AutologConfig config = AutologConfig.defaults();
    assertTrue(config.enabled());
    assertFalse(config.nested());
    assertTrue(config.logModels());
    assertEquals(1, config.logEveryNIterations());
    assertFalse(config.runPerCall());
    assertTrue(config.dl4jEnabled());
    assertTrue(config.tribuoEnabled());
    assertFalse(config.trackingInsecureTls());
    assertEquals(10000, config.flushTimeoutMillis());
    assertEquals(2000, config.finishGraceMillis());
    assertEquals(100000, config.queueCapacity());
    assertNull(config.trackingUri());
    assertNull(config.trackingUsername());
    assertNull(config.trackingPassword());
    assertNull(config.trackingToken());
    assertNull(config.trackingServerCertPath());
    assertNull(config.databricksHost());
    assertNull(config.experimentName());
    assertNull(config.runName());
    assertNull(config.runInfoFile());
    assertTrue(config.tags().isEmpty());
    assertEquals("default", config.sourceOf("tracking_uri"));
    assertEquals("default", config.sourceOf("no_such_key"));
    assertEquals("./mlruns (local file store)", config.describeDestination());
  }
}
