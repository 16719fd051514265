package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private Inputs inputs() {
    return new Inputs(workingDirectory, home);
  }

  private static ConfigProblem onlyError(ConfigResult result) {
    assertEquals(1, result.errors().size(), Inputs.errorText(result));
    assertFalse(result.config().enabled(), "errors must disable the config");
    return result.errors().get(0);
  }

  // --- credentials

  @Test
  void usernameWithoutPassword() {
    ConfigProblem problem = onlyError(inputs().env("MLFLOW_TRACKING_USERNAME", "alice").load());
    assertEquals("invalid setting tracking_username (environment MLFLOW_TRACKING_USERNAME)"
        + " = \"alice\": a username needs a password; set tracking_password"
        + " (or MLFLOW_TRACKING_PASSWORD) or use tracking_token instead", problem.message());
    assertEquals("tracking_username", problem.key());
    assertEquals("environment MLFLOW_TRACKING_USERNAME", problem.source());
    assertEquals("alice", problem.value());
  }

  @Test
  void passwordWithoutUsername() {
    ConfigProblem problem = onlyError(inputs().agent("tracking_password=pw-value").load());
    assertEquals("tracking_password", problem.key());
    assertEquals("agent argument", problem.source());
    assertEquals("****", problem.value());
    assertTrue(problem.message().contains(
        "(agent argument) = \"****\": a password needs a username"), problem.message());
    assertTrue(problem.message().contains("set tracking_username"), problem.message());
    assertFalse(problem.message().contains("pw-value"));
  }

  @Test
  void tokenAloneOrBasicAloneIsFine() {
    assertEquals(List.of(), inputs().agent("tracking_token=t").load().errors());
    ConfigResult basic = inputs().agent("tracking_username=u,tracking_password=p").load();
    assertEquals(List.of(), basic.errors());
    assertEquals(List.of(), basic.warnings());
  }

  @Test
  void tokenWithBasicIsAllowedWithAWarning() {
    ConfigResult result = inputs().agent("tracking_username=u,tracking_password=p")
        .env("MLFLOW_TRACKING_TOKEN", "t").load();
    assertEquals(List.of(), result.errors());
    assertTrue(result.config().enabled());
    assertEquals("t", result.config().trackingToken());
    assertEquals(1, result.warnings().size());
    String warning = result.warnings().get(0);
    assertTrue(warning.contains("tracking_token (environment MLFLOW_TRACKING_TOKEN) is ignored"),
        warning);
    assertTrue(warning.contains("Basic"), warning);
  }

  // --- tracking URI forms

  @ParameterizedTest
  @ValueSource(strings = {"mlruns", "./mlruns", "/tmp/mlruns", "../runs dir", "file:///tmp/mlruns",
      "file:./mlruns", "http://localhost:5000", "https://mlflow.example.com/prefix",
      "http://alice:pw@mlflow.example.com", "http://mlflow_server:5000", "HTTPS://HOST",
      "C:\\runs"})
  void acceptedTrackingUris(String uri) {
    ConfigResult result = inputs().agent("tracking_uri=" + uri).load();
    assertEquals(List.of(), result.errors(), Inputs.errorText(result));
    assertEquals(uri, result.config().trackingUri());
  }

  @ParameterizedTest
  @ValueSource(strings = {"htp://x", "http://", "https://", "http://exa mple.com", "s3://bucket",
      "http:/nohost", "file:", "ftp://host", "databricks://"})
  void rejectedTrackingUris(String uri) {
    ConfigProblem problem = onlyError(inputs().property("autolog.tracking_uri", uri).load());
    assertEquals("tracking_uri", problem.key());
    assertEquals("system property autolog.tracking_uri", problem.source());
    assertTrue(problem.message().startsWith("invalid setting tracking_uri (system property"
        + " autolog.tracking_uri) = \"" + uri + "\": "), problem.message());
    assertTrue(problem.message().contains("http(s)://host"), problem.message());
  }

  @Test
  void unsupportedSchemeNamesTheAcceptedForms() {
    String message = onlyError(inputs().agent("tracking_uri=s3://bucket").load()).message();
    assertTrue(message.contains("the scheme \"s3:\" is not supported"), message);
    assertTrue(message.contains("a file path (e.g. ./mlruns), a file: URI, http(s)://host[:port],"
        + " databricks or databricks://<profile>"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite:///x.db", "postgresql://u@h/db", "mysql+pymysql://h/db",
      "mssql://h/db"})
  void databaseUrisAreNotSupportedYet(String uri) {
    String message = onlyError(inputs().agent("tracking_uri=" + uri).load()).message();
    assertTrue(message.contains("are not supported yet"), message);
    assertTrue(message.contains("use a file path such as ./mlruns or an http(s):// MLflow server"),
        message);
  }

  @Test
  void hostAndPortWithoutSchemeSuggestsHttp() {
    String message = onlyError(inputs().agent("tracking_uri=localhost:5000").load()).message();
    assertTrue(message.contains("did you mean http://localhost:5000?"), message);
  }

  // --- Databricks

  @Test
  void databricksNeedsAHost() {
    ConfigProblem problem = onlyError(inputs().env("MLFLOW_TRACKING_URI", "databricks")
        .env("DATABRICKS_TOKEN", "dapi").load());
    assertEquals("tracking_uri", problem.key());
    assertEquals("environment MLFLOW_TRACKING_URI", problem.source());
    assertTrue(problem.message().contains("= \"databricks\": Databricks tracking needs the"
        + " workspace URL; set databricks_host (or DATABRICKS_HOST)"), problem.message());
    assertTrue(problem.message().contains("[DEFAULT] profile in "
        + home.resolve(".databrickscfg")), problem.message());
  }

  @Test
  void databricksWithHostIsFine() {
    ConfigResult result = inputs().agent("tracking_uri=databricks,"
        + "databricks_host=https://dbc-1.cloud.databricks.com").load();
    assertEquals(List.of(), result.errors());
    assertEquals("databricks (https://dbc-1.cloud.databricks.com)",
        result.config().describeDestination());
  }

  @Test
  void databricksProfileWithAHostInTheConfigFileIsFine() {
    Inputs.file(home.resolve(".databrickscfg"),
        "[DEFAULT]\nhost =\n\n[prod]\nhost = https://prod.cloud.databricks.com\ntoken = x\n",
        "rw-------");
    assertEquals(List.of(), inputs().agent("tracking_uri=databricks://prod").load().errors());
    // The DEFAULT profile has an empty host line, which does not count.
    assertEquals("tracking_uri",
        onlyError(inputs().agent("tracking_uri=databricks").load()).key());
    String message = onlyError(inputs().agent("tracking_uri=databricks://dev").load()).message();
    assertTrue(message.contains("[dev] profile"), message);
  }

  @Test
  void databricksConfigFileFromTheEnvironment() {
    Path cfg = Inputs.file(workingDirectory.resolve("dbcfg"),
        "[DEFAULT]\nhost = https://x.cloud.databricks.com\n", "rw-------");
    assertEquals(List.of(), inputs().agent("tracking_uri=databricks")
        .env("DATABRICKS_CONFIG_FILE", cfg.toString()).load().errors());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://dbc-1.cloud.databricks.com", "http://127.0.0.1:8080/",
      "adb-123.4.azuredatabricks.net", "dbc.example.com:443", "dbc.example.com/"})
  void databricksHostForms(String host) {
    assertEquals(List.of(), inputs().agent("tracking_uri=databricks,databricks_host=" + host).load().errors());
  }

  @Test
  void databricksHostMustBeAWorkspaceUrl() {
    ConfigProblem scheme = onlyError(inputs().agent("tracking_uri=databricks,databricks_host=ftp://dbc.x").load());
    assertEquals("invalid setting databricks_host (agent argument) = \"ftp://dbc.x\": the scheme \"ftp:\" is not a"
        + " workspace URL; write the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net",
        scheme.message());
    ConfigProblem words = onlyError(inputs().agent("tracking_uri=databricks://p")
        .env("DATABRICKS_HOST", "my workspace").load());
    assertEquals("databricks_host", words.key());
    assertEquals("environment DATABRICKS_HOST", words.source());
    assertTrue(words.message().contains("= \"my workspace\": not a host name or URL"), words.message());
    // DATABRICKS_HOST only matters for Databricks tracking; other tools' values are not ours to judge.
    assertEquals(List.of(), inputs().env("DATABRICKS_HOST", "my workspace").load().errors());
  }

  // --- run info file

  @Test
  void runInfoFileMustNotBeADirectory() {
    ConfigProblem problem = onlyError(inputs().agent("run_info_file=.").load());
    assertEquals("invalid setting run_info_file (agent argument) = \"" + workingDirectory
        + "\": this is a directory, not a file; name a file, e.g. " + workingDirectory.resolve("run-info.json"),
        problem.message());
    assertEquals(List.of(), inputs().agent("run_info_file=out/run.json").load().errors(), "a file yet to be made");
  }

  // --- TLS

  @Test
  void insecureTlsWithACertificateIsAnError() {
    Path cert = inputs().file("ca.pem", "cert");
    ConfigProblem problem = onlyError(inputs()
        .agent("tracking_insecure_tls=yes,tracking_server_cert_path=ca.pem").load());
    assertEquals("tracking_insecure_tls", problem.key());
    assertTrue(problem.message().startsWith("invalid setting tracking_insecure_tls"
        + " (agent argument) = \"true\": cannot be combined with tracking_server_cert_path"),
        problem.message());
    assertTrue(problem.message().contains("set tracking_insecure_tls=false or remove"
        + " tracking_server_cert_path"), problem.message());
    assertTrue(cert.toFile().exists());
  }

  @Test
  void certificatePathMustExist() {
    ConfigProblem problem = onlyError(inputs()
        .env("MLFLOW_TRACKING_SERVER_CERT_PATH", "missing.pem").load());
    assertEquals("tracking_server_cert_path", problem.key());
    assertEquals("environment MLFLOW_TRACKING_SERVER_CERT_PATH", problem.source());
    assertTrue(problem.message().contains(workingDirectory.resolve("missing.pem").toString()),
        problem.message());
    assertTrue(problem.message().contains("does not exist or cannot be read"), problem.message());
    assertTrue(problem.message().contains("point it at a readable PEM file"), problem.message());
  }

  @Test
  void certificatePathIsResolvedToAnAbsolutePath() {
    Path cert = inputs().file("certs/ca.pem", "cert");
    AutologConfig config = inputs().agent("tracking_server_cert_path=certs/ca.pem").load()
        .config();
    assertEquals(cert.toString(), config.trackingServerCertPath());
    assertFalse(config.trackingInsecureTls());
  }

  // --- reporting

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigResult result = inputs().agent("tracking_uri=htp://x,nested=maybe,queue_capacity=1,"
        + "tracking_username=alice").load();
    assertEquals(4, result.errors().size(), Inputs.errorText(result));
  }

  @Test
  void problemMessagesAreOneLine() {
    inputs().file("run.txt", "line one\nline two\n");
    ConfigResult result = inputs().agent("nested={{file:run.txt}}").load();
    String message = onlyError(result).message();
    assertFalse(message.contains("\n"), message);
    assertTrue(message.contains("line one line two"), message);
  }

  @Test
  void aFailedReferenceIsNotReportedTwice() {
    // The password cannot be resolved; "a username needs a password" would only be a consequence.
    ConfigResult result = inputs().agent("tracking_username=alice,tracking_password={{env:NOPE}}")
        .load();
    assertEquals("tracking_password", onlyError(result).key());
  }

  @Test
  void errorsYieldADisabledConfig() {
    ConfigResult result = inputs().agent("experiment_name=x,tracking_uri=htp://x").load();
    assertTrue(result.hasErrors());
    assertFalse(result.config().enabled());
    assertNull(result.config().experimentName());
  }
}
