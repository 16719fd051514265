package dev.autolog.core.tracking.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials, retry timing and Databricks profiles: the pieces of the REST tracker without a server. */
class RestSupportTest {

  @Test
  void basicWinsOverTokenAsInMlflowsClient() {
    Credentials basic = Credentials.of("alice", "s3cr3t-pw", "tok-123");
    String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, basic.header());
    assertTrue(basic.describe().contains("HTTP Basic") && basic.describe().contains("alice"));
    assertFalse(basic.describe().contains("s3cr3t-pw"));
  }

  @Test
  void tokenGivesBearerAndNothingGivesNoHeader() {
    Credentials token = Credentials.of(null, null, "tok-123");
    assertEquals("Bearer tok-123", token.header());
    assertFalse(token.describe().contains("tok-123"));
    // A username without its password is not Basic (validation rejects it before; here: no Basic header).
    assertEquals("Bearer tok-123", Credentials.of("alice", null, "tok-123").header());
    assertNull(Credentials.of(null, null, null).header());
    assertEquals("no credentials", Credentials.of(null, null, null).describe());
  }

  @Test
  void userInfoOfTheTrackingUriGivesBasic() {
    Credentials credentials = Credentials.fromUserInfo("alice", "s3cr3t-pw");
    String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, credentials.header());
    assertEquals("HTTP Basic credentials from the user info of tracking_uri for user alice", credentials.describe());
    assertEquals("Basic " + Base64.getEncoder().encodeToString("tok:".getBytes(StandardCharsets.UTF_8)),
        Credentials.fromUserInfo("tok", "").header(), "user info without a password, as requests sends it");
  }

  @Test
  void redactRemovesEveryFormOfTheSecretButNotShortOnes() {
    Credentials basic = Credentials.of("alice", "s3cr3t-pw", null);
    String encoded = Base64.getEncoder().encodeToString("alice:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
    assertEquals("pw **** header Basic **** user alice",
        basic.redact("pw s3cr3t-pw header Basic " + encoded + " user alice"));
    assertEquals("token **** twice ****", Credentials.of(null, null, "tok-123").redact("token tok-123 twice tok-123"));
    // Replacing a three-letter password everywhere would garble the message more than it protects.
    assertEquals("a pwd here", Credentials.of("alice", "pwd", null).redact("a pwd here"));
    assertEquals("nothing to hide", Credentials.of(null, null, null).redact("nothing to hide"));
    assertNull(basic.redact(null));
  }

  @Test
  void retryableStatusesAreMlflows() {
    for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
      assertTrue(RetryPolicy.retryable(status), "retry " + status);
    }
    for (int status : new int[] {400, 401, 403, 404, 405, 409, 501}) {
      assertFalse(RetryPolicy.retryable(status), "no retry " + status);
    }
  }

  @Test
  void backoffDoublesWithJitterAndIsCapped() {
    RetryPolicy policy = new RetryPolicy(5, 1000, 5000);
    for (int i = 0; i < 50; i++) {
      long first = policy.delayMillis(1, null);
      long third = policy.delayMillis(3, null);
      long tenth = policy.delayMillis(10, null);
      assertTrue(first >= 500 && first <= 1000, "first " + first);
      assertTrue(third >= 2000 && third <= 4000, "third " + third);
      assertTrue(tenth >= 2500 && tenth <= 5000, "tenth " + tenth);
    }
  }

  @Test
  void retryAfterSecondsAndDatesWinOverBackoff() {
    RetryPolicy policy = new RetryPolicy(5, 1000, 30_000);
    assertEquals(7000, policy.delayMillis(1, "7"));
    assertEquals(0, policy.delayMillis(4, "0"));
    assertEquals(120_000, policy.delayMillis(1, "3600"), "capped at two minutes, as urllib3 does");
    String in5s = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(5).format(DateTimeFormatter.RFC_1123_DATE_TIME);
    long fromDate = policy.delayMillis(1, in5s);
    assertTrue(fromDate > 3000 && fromDate <= 5000, "from date " + fromDate);
    assertNull(RetryPolicy.parseRetryAfter("soon"));
    assertNull(RetryPolicy.parseRetryAfter(null));
  }

  @Test
  void databricksProfileIsReadFromTheCliConfigFile(@TempDir Path home) throws Exception {
    Files.writeString(home.resolve(".databrickscfg"), String.join("\n",
        "[DEFAULT]",
        "host = https://default.cloud.databricks.com",
        "token = dapi-default",
        "",
        "; a comment",
        "[staging]",
        "host=https://staging.cloud.databricks.com",
        "token=dapi-staging",
        ""));
    assertEquals(new DatabricksProfile("https://default.cloud.databricks.com", "dapi-default"),
        DatabricksProfile.read(null, Map.of(), home));
    assertEquals(new DatabricksProfile("https://staging.cloud.databricks.com", "dapi-staging"),
        DatabricksProfile.read("staging", Map.of(), home));
    assertEquals(new DatabricksProfile(null, null), DatabricksProfile.read("missing", Map.of(), home));

    Path elsewhere = home.resolve("other.cfg");
    Files.writeString(elsewhere, "[DEFAULT]\nhost = https://other\n");
    assertEquals(new DatabricksProfile("https://other", null),
        DatabricksProfile.read(null, Map.of("DATABRICKS_CONFIG_FILE", elsewhere.toString()), home));
  }
}
