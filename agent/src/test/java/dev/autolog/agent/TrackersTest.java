package dev.autolog.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.tracking.rest.Credentials;
import org.junit.jupiter.api.Test;

/**
 * Which credentials an http(s) tracking URI gets. What is sent is seen here through {@link Credentials#redact}
 * (which hides exactly the secret forms the header carries); the forked SecretLeakTest checks the header itself.
 */
class TrackersTest {

  @Test
  void userInfoIsSentAsBasicPercentDecoded() {
    Credentials credentials = Trackers.credentials(AutologConfig.defaults(), "http://al%40ice:p%2Fw+rd%25@host:5000/x");
    assertEquals("HTTP Basic credentials from the user info of tracking_uri for user al@ice", credentials.describe());
    assertEquals("[****]", credentials.redact("[p/w+rd%]"), "the password, decoded; '+' stays a plus");
  }

  @Test
  void userInfoWithoutAPasswordIsAUserWithAnEmptyOne() {
    assertEquals("HTTP Basic credentials from the user info of tracking_uri for user tok-123456",
        Trackers.credentials(AutologConfig.defaults(), "https://tok-123456@host").describe());
  }

  @Test
  void withoutUserInfoTheSettingsDecide() {
    assertEquals("no credentials", Trackers.credentials(AutologConfig.defaults(), "http://host:5000").describe());
    assertEquals("no credentials", Trackers.credentials(AutologConfig.defaults(), "http://:pw@host").describe(),
        "no user name, no Basic");
  }
}
