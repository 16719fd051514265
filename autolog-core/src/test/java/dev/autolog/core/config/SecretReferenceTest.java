package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretReferenceTest {

  @TempDir Path workingDirectory;
  @TempDir Path home;

  private Inputs inputs() {
    return new Inputs(workingDirectory, home).agent("tracking_username=alice");
  }

  private static ConfigProblem onlyError(ConfigResult result) {
    assertEquals(1, result.errors().size(), Inputs.errorText(result));
    return result.errors().get(0);
  }

  // --- {{env:NAME}}

  @Test
  void environmentReference() {
    AutologConfig config = inputs()
        .property("autolog.tracking_password", " {{ env:MY_PW }} ")
        .env("MY_PW", "s3cret").load().config();
    assertEquals("s3cret", config.trackingPassword());
    assertEquals("system property autolog.tracking_password", config.sourceOf("tracking_password"));
  }

  @Test
  void unsetEnvironmentVariableIsAnErrorNamingIt() {
    ConfigProblem problem = onlyError(
        inputs().property("autolog.tracking_password", "{{env:MY_PW}}").load());
    assertEquals("tracking_password", problem.key());
    assertEquals("****", problem.value());
    assertTrue(problem.message().contains("{{env:MY_PW}}"), problem.message());
    assertTrue(problem.message().contains("environment variable MY_PW"), problem.message());
    assertTrue(problem.message().contains("is not set; set MY_PW"), problem.message());
  }

  // --- {{file:path}}

  @Test
  void fileReferenceStripsTrailingLineBreaks() {
    inputs().file("secrets/pw.txt", "file-secret\r\n\n");
    AutologConfig config = inputs().agent("tracking_username=alice,"
        + "tracking_password={{file:secrets/pw.txt}}").load().config();
    assertEquals("file-secret", config.trackingPassword());
  }

  @Test
  void fileReferenceExpandsHome() {
    Inputs.file(home.resolve(".mlflow-token"), "home-token\n", "rw-------");
    AutologConfig config = new Inputs(workingDirectory, home)
        .env("AUTOLOG_TRACKING_TOKEN", "{{file:~/.mlflow-token}}").load().config();
    assertEquals("home-token", config.trackingToken());
  }

  @Test
  void missingFileIsAnErrorNamingTheFile() {
    ConfigProblem problem = onlyError(new Inputs(workingDirectory, home)
        .agent("tracking_token={{file:nope.txt}}").load());
    assertEquals("tracking_token", problem.key());
    assertEquals("agent argument", problem.source());
    assertTrue(problem.message().contains(workingDirectory.resolve("nope.txt").toString()),
        problem.message());
    assertTrue(problem.message().contains("\"****\""), problem.message());
  }

  // --- {{secret_name.key}}

  @Test
  void secretsDirectoryReferenceUsesTheDefaultDirectoryUnderHome() {
    Inputs.file(home.resolve(".autolog/secrets/mlflow_secret.properties"),
        "username=ignored\npassword=dir-secret\n", "rw-------");
    new Inputs(workingDirectory, home).file("autolog.yaml",
        "tracking_username: alice\ntracking_password: \"{{mlflow_secret.password}}\"\n");
    ConfigResult result = new Inputs(workingDirectory, home).load();
    assertEquals(List.of(), result.errors());
    assertEquals("dir-secret", result.config().trackingPassword());
  }

  @Test
  void secretsDirectoryCanBeConfigured() {
    Inputs.file(workingDirectory.resolve("vault/db.properties"), "token=dir-token\n", "rw-------");
    AutologConfig config = new Inputs(workingDirectory, home)
        .agent("secrets_dir=vault,tracking_token={{db.token}}").load().config();
    assertEquals("dir-token", config.trackingToken());
    assertEquals("agent argument", config.sourceOf("secrets_dir"));
  }

  @Test
  void missingKeyIsAnErrorNamingFileAndKeyButNoOtherValue() {
    Path file = Inputs.file(home.resolve(".autolog/secrets/mlflow_secret.properties"),
        "username=OTHERVALUE1\ntoken=OTHERVALUE2\n", "rw-------");
    ConfigResult result = inputs().agent("tracking_username=alice,"
        + "tracking_password={{mlflow_secret.password}}").load();
    ConfigProblem problem = onlyError(result);
    assertEquals("tracking_password", problem.key());
    assertTrue(problem.message().contains(file.toString()), problem.message());
    assertTrue(problem.message().contains("no key \"password\""), problem.message());
    for (String line : Inputs.allText(result)) {
      assertFalse(line.contains("OTHERVALUE"), line);
    }
  }

  @Test
  void missingSecretsFileIsAnErrorNamingIt() {
    ConfigProblem problem = onlyError(new Inputs(workingDirectory, home)
        .agent("tracking_token={{vault.token}}").load());
    assertTrue(problem.message().contains(
        home.resolve(".autolog/secrets/vault.properties").toString()), problem.message());
    assertTrue(problem.message().contains("does not exist"), problem.message());
  }

  @Test
  void secretNameCannotEscapeTheDirectory() {
    ConfigProblem problem = onlyError(new Inputs(workingDirectory, home)
        .agent("tracking_token={{sub/x.token}}").load());
    assertTrue(problem.message().contains("may only contain"), problem.message());
  }

  @Test
  void secretsDirCannotComeFromTheSecretsDirectory() {
    ConfigProblem problem = onlyError(new Inputs(workingDirectory, home)
        .agent("secrets_dir={{a.b}}").load());
    assertEquals("secrets_dir", problem.key());
  }

  @Test
  void malformedReferenceIsAnError() {
    ConfigProblem problem = onlyError(new Inputs(workingDirectory, home)
        .agent("tracking_token={{nothing}}").load());
    assertTrue(problem.message().contains("{{nothing}} is not a valid secret reference"),
        problem.message());
    assertTrue(problem.message().contains("{{env:NAME}}, {{file:path}} or {{secret_name.key}}"));
  }

  @Test
  void onlyWholeValuesAreReferences() {
    AutologConfig config = new Inputs(workingDirectory, home)
        .agent("run_name=run-{{env:X}}").load().config();
    assertEquals("run-{{env:X}}", config.runName());
  }

  @Test
  void anyValueMayBeAReference() {
    AutologConfig config = new Inputs(workingDirectory, home)
        .agent("experiment_name={{env:EXP}},nested={{env:NESTED}},tags.owner={{env:OWNER}}")
        .env("EXP", "exp-from-env").env("NESTED", "yes").env("OWNER", "bob")
        .load().config();
    assertEquals("exp-from-env", config.experimentName());
    assertTrue(config.nested());
    assertEquals(Map.of("owner", "bob"), config.tags());
  }

  // --- permission warnings

  private static String chmodWarning(ConfigResult result, Path file) {
    return result.warnings().stream()
        .filter(w -> w.contains(file.toString()) && w.contains("chmod 600 " + file))
        .findFirst().orElse(null);
  }

  @Test
  void yamlWithAPlainSecretThatOthersCanReadIsWarnedAbout() {
    assumeTrue(Inputs.posix());
    Path yaml = Inputs.file(workingDirectory.resolve("autolog.yaml"),
        "tracking_username: alice\ntracking_password: PLAINVALUE\n", "rw-r--r--");
    ConfigResult result = new Inputs(workingDirectory, home).load();
    String warning = chmodWarning(result, yaml);
    assertTrue(warning != null, result.warnings().toString());
    assertTrue(warning.contains("tracking_password"), warning);
    assertFalse(warning.contains("PLAINVALUE"), warning);

    Inputs.file(yaml, "tracking_username: alice\ntracking_password: plain\n", "rw-------");
    assertEquals(List.of(), new Inputs(workingDirectory, home).load().warnings());
  }

  @Test
  void yamlHoldingOnlyReferencesOrNoSecretsIsNotWarnedAbout() {
    assumeTrue(Inputs.posix());
    Inputs.file(workingDirectory.resolve("autolog.yaml"),
        "tracking_username: alice\ntracking_password: \"{{env:PW}}\"\nexperiment_name: x\n",
        "rw-r--r--");
    ConfigResult result = new Inputs(workingDirectory, home).env("PW", "pw").load();
    assertEquals(List.of(), result.warnings());
  }

  @Test
  void secretTagInYamlCountsAsPlainSecret() {
    assumeTrue(Inputs.posix());
    Path yaml = Inputs.file(workingDirectory.resolve("autolog.yaml"),
        "tags:\n  api_token: plain\n", "rw-r-----");
    ConfigResult result = new Inputs(workingDirectory, home).load();
    assertTrue(chmodWarning(result, yaml) != null, result.warnings().toString());
  }

  @Test
  void readableSecretFileIsWarnedAbout() {
    assumeTrue(Inputs.posix());
    Path file = Inputs.file(workingDirectory.resolve("token.txt"), "t\n", "rw-r--r--");
    ConfigResult result = new Inputs(workingDirectory, home)
        .agent("tracking_token={{file:token.txt}}").load();
    assertTrue(chmodWarning(result, file) != null, result.warnings().toString());

    Inputs.file(file, "t\n", "rw-------");
    assertEquals(List.of(), new Inputs(workingDirectory, home)
        .agent("tracking_token={{file:token.txt}}").load().warnings());
  }

  @Test
  void readableSecretsDirectoryFileIsWarnedAbout() {
    assumeTrue(Inputs.posix());
    Path file = Inputs.file(home.resolve(".autolog/secrets/s.properties"), "token=t\n",
        "rw----r--");
    ConfigResult result = new Inputs(workingDirectory, home)
        .agent("tracking_token={{s.token}}").load();
    assertTrue(chmodWarning(result, file) != null, result.warnings().toString());
    assertEquals(1, result.warnings().size(), "one warning per file");

    Inputs.file(file, "token=t\n", "rw-------");
    assertEquals(List.of(), new Inputs(workingDirectory, home)
        .agent("tracking_token={{s.token}}").load().warnings());
  }

  @Test
  void permissionCheckIsSkippedWithoutPosixAttributes() throws IOException {
    // A zip file system has no POSIX attributes unless asked for them.
    Path zip = workingDirectory.resolve("fs.zip");
    try (FileSystem fileSystem = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
      Path file = Files.writeString(fileSystem.getPath("/secret.txt"), "x");
      assertFalse(FilePermissions.readableByOthers(file));
    }
    assertFalse(FilePermissions.readableByOthers(workingDirectory.resolve("does-not-exist")));
  }
}
