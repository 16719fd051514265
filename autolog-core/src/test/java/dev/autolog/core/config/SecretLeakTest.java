package dev.autolog.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Puts a unique marker wherever a secret can be written and checks that it never shows up in a
 * warning, an error, {@code toString()} or {@code describeDestination()}.
 */
class SecretLeakTest {

  private static final String MARKER = "Mk7q2ZxLeak";

  @TempDir Path workingDirectory;
  @TempDir Path home;

  /** A way of supplying the marker as a secret, and how to read it back once resolved. */
  private record Form(String name, Consumer<Inputs> setUp, Function<AutologConfig, String> read) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Form> forms() {
    Function<AutologConfig, String> password = AutologConfig::trackingPassword;
    Function<AutologConfig, String> token = AutologConfig::trackingToken;
    return Stream.of(
        new Form("agent password", in -> in.agent("tracking_password=" + MARKER), password),
        new Form("agent token", in -> in.agent("tracking_token=" + MARKER), token),
        new Form("property password", in -> in.property("autolog.tracking_password", MARKER),
            password),
        new Form("property token", in -> in.property("autolog.tracking_token", MARKER), token),
        new Form("env password", in -> in.env("AUTOLOG_TRACKING_PASSWORD", MARKER), password),
        new Form("env token", in -> in.env("AUTOLOG_TRACKING_TOKEN", MARKER), token),
        new Form("mlflow env password", in -> in.env("MLFLOW_TRACKING_PASSWORD", MARKER),
            password),
        new Form("mlflow env token", in -> in.env("MLFLOW_TRACKING_TOKEN", MARKER), token),
        new Form("databricks token", in -> in.env("DATABRICKS_TOKEN", MARKER)
            .env("MLFLOW_TRACKING_URI", "databricks")
            .env("DATABRICKS_HOST", "https://dbc.example.com"), token),
        new Form("yaml password", in -> Inputs.file(in.workingDirectory.resolve("autolog.yaml"),
            "tracking_password: " + MARKER + "\n", "rw-r--r--"), password),
        new Form("yaml token", in -> Inputs.file(in.workingDirectory.resolve("autolog.yaml"),
            "tracking_token: \"" + MARKER + "\"\n", "rw-r--r--"), token),
        new Form("env reference password", in -> in.agent("tracking_password={{env:HOLDER}}")
            .env("HOLDER", MARKER), password),
        new Form("file reference password", in -> {
          Inputs.file(in.workingDirectory.resolve("pw.txt"), MARKER + "\n", "rw-r--r--");
          in.agent("tracking_password={{file:pw.txt}}");
        }, password),
        new Form("secrets directory", in -> {
          Inputs.file(in.userHome.resolve(".autolog/secrets/mlflow.properties"),
              "password=" + MARKER + "\ntoken=" + MARKER + "x\n", "rw-r--r--");
          in.env("AUTOLOG_TRACKING_TOKEN", "{{mlflow.token}}");
        }, config -> config.trackingToken().substring(0, MARKER.length())),
        new Form("uri user info", in -> in.agent("tracking_uri=http://user:" + MARKER
            + "@mlflow.example.com:5000/x"), AutologConfig::trackingUri),
        new Form("uri token user info", in -> in.env("MLFLOW_TRACKING_URI", "https://" + MARKER
            + "@mlflow.example.com"), AutologConfig::trackingUri),
        new Form("databricks host user info", in -> in.agent("tracking_uri=databricks,"
            + "databricks_host=https://token:" + MARKER + "@dbc.example.com"),
            AutologConfig::databricksHost),
        new Form("secret-named tag", in -> in.agent("tags.api_token=" + MARKER),
            config -> config.tags().get("api_token")),
        new Form("secret-named tag in yaml", in -> Inputs.file(
            in.workingDirectory.resolve("autolog.yaml"),
            "tags:\n  db_password: " + MARKER + "\n", "rw-r--r--"),
            config -> config.tags().get("db_password")));
  }

  /** Extra settings that make the same load produce warnings and errors of every kind. */
  static Stream<Consumer<Inputs>> complications() {
    return Stream.of(
        in -> { },
        in -> in.env("MLFLOW_TRACKING_USERNAME", "alice"),
        in -> in.env("MLFLOW_TRACKING_USERNAME", "alice").env("MLFLOW_TRACKING_TOKEN", "t0k"),
        in -> in.property("autolog.nested", "maybe").property("autolog.trackng_uri", "x"),
        in -> in.property("autolog.tracking_insecure_tls", "true")
            .property("autolog.tracking_server_cert_path", "missing.pem"));
  }

  static Stream<Arguments> cases() {
    return forms().flatMap(form -> complications().map(extra -> Arguments.of(form, extra)));
  }

  @ParameterizedTest(name = "{0} #{index}")
  @MethodSource("cases")
  void markerNeverAppearsInOutput(Form form, Consumer<Inputs> complication) {
    Inputs inputs = new Inputs(workingDirectory, home);
    form.setUp().accept(inputs);
    complication.accept(inputs);
    ConfigResult result = inputs.load();
    assertNoMarker(result);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forms")
  void markerIsResolvedWhenTheConfigIsValid(Form form) {
    Inputs inputs = new Inputs(workingDirectory, home);
    if (form.name().endsWith("password")) {
      inputs.env("MLFLOW_TRACKING_USERNAME", "alice");
    }
    form.setUp().accept(inputs);
    ConfigResult result = inputs.load();
    assertEquals(List.of(), result.errors(), Inputs.errorText(result));
    assertNoMarker(result);
    // Proves that the marker really went in, so its absence from the output means something.
    assertTrue(form.read().apply(result.config()).contains(MARKER),
        form + ": " + form.read().apply(result.config()));
  }

  @Test
  void invalidUrisWithUserInfoDoNotLeak() {
    for (String uri : List.of("htp://user:" + MARKER + "@host", "http://user:" + MARKER
        + "@exa mple.com", "http://user:" + MARKER + "@", "s3://" + MARKER + "@bucket",
        "sqlite://" + MARKER + "@x.db", "user:" + MARKER + "@host",
        "http://user:pa/" + MARKER + "@host", "localhost:" + MARKER + "@5000")) {
      ConfigResult result = new Inputs(workingDirectory, home).agent("tracking_uri=" + uri)
          .load();
      assertEquals(1, result.errors().size(), uri + ": " + Inputs.errorText(result));
      assertNoMarker(result);
    }
  }

  @Test
  void passwordSplitByACommaDoesNotLeakItsTail() {
    ConfigResult result = new Inputs(workingDirectory, home)
        .agent("tracking_username=alice,tracking_password=abc," + MARKER).load();
    assertNoMarker(result);
  }

  @Test
  void malformedYamlDoesNotLeak() {
    Inputs.file(workingDirectory.resolve("autolog.yaml"),
        "tracking_password: " + MARKER + ": [\n", "rw-r--r--");
    ConfigResult result = new Inputs(workingDirectory, home).load();
    assertTrue(result.hasErrors());
    assertNoMarker(result);
  }

  @Test
  void secretsFileWithOtherKeysDoesNotLeakThem() {
    Inputs.file(home.resolve(".autolog/secrets/s.properties"), "other=" + MARKER + "\n",
        "rw-r--r--");
    ConfigResult result = new Inputs(workingDirectory, home)
        .agent("tracking_token={{s.token}},experiment_name={{s.missing}}").load();
    assertEquals(2, result.errors().size(), Inputs.errorText(result));
    assertNoMarker(result);
  }

  private static void assertNoMarker(ConfigResult result) {
    for (String line : Inputs.allText(result)) {
      assertFalse(line.contains(MARKER), "leaked: " + line);
    }
  }
}
