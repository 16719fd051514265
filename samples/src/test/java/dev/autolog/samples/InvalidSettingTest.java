package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import dev.autolog.core.config.ConfigKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a setting can be invalid, one forked JVM each: a job that only prints fixed lines and exits with code
 * 3, under the real agent jar. For each case the agent prints exactly one line about the problem, in the
 * documented form {@code invalid setting <key> (<source>) = "<value>": <reason>; <fix>} (secret values shown as
 * {@code ****}, URIs without user info), followed by the one line saying autologging is off; or, for what is only
 * a warning (an unknown key, a token next to a password, a secret file others can read), the warning alone. Whatever it prints, the job's stdout, its own stderr and its exit code are exactly those of
 * the run without the agent, and no planted secret appears anywhere in its output.
 */
class InvalidSettingTest {
  private static final String SECRET = "sk" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
  private static final String OFF = "[autolog] autologging is off because of the invalid setting above;"
      + " the job runs without it";

  @TempDir static Path plainDir;
  private static ForkedJob.Result plain;

  enum Kind {
    /** One ERROR line naming the setting, then the line saying autologging is off. */
    ERROR,
    /** One WARN line, then the usual start-up line: autologging goes on. */
    WARNING
  }

  interface Setup {
    ForkedJob configure(ForkedJob job, Path dir) throws IOException;
  }

  /**
   * @param key the setting the line must name ({@code invalid setting <key> (}), or for a warning a text it must
   *     contain
   * @param shows what else the line must contain: the source, the value as shown, the reason and the fix
   */
  record Case(String name, Kind kind, String key, Setup setup, List<String> shows) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case error(String name, String key, Setup setup, String... shows) {
    return new Case(name, Kind.ERROR, key, setup, List.of(shows));
  }

  static Case warning(String name, String text, Setup setup, String... shows) {
    return new Case(name, Kind.WARNING, text, setup, List.of(shows));
  }

  static Stream<Case> cases() {
    String booleans = "not a boolean; use one of true, false, yes, no, 1, 0";
    String readablePem = "the file does not exist or cannot be read; point it at a readable PEM file";
    return Stream.of(
        // tracking_uri
        error("tracking_uri with an unknown scheme", "tracking_uri",
            (job, dir) -> job.withAgent("tracking_uri=htp://127.0.0.1:5000"),
            "(agent argument) = \"htp://127.0.0.1:5000\"", "the scheme \"htp:\" is not supported",
            "; use a file path (e.g. ./mlruns), a file: URI, http(s)://host[:port], databricks"),
        error("tracking_uri of a database", "tracking_uri",
            (job, dir) -> job.withAgent(null).env("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"),
            "(environment MLFLOW_TRACKING_URI) = \"sqlite:///mlflow.db\"", "are not supported yet",
            "; use a file path such as ./mlruns or an http(s):// MLflow server"),
        error("tracking_uri without a scheme", "tracking_uri",
            (job, dir) -> job.withAgent(null).jvmArg("-Dautolog.tracking_uri=localhost:5000"),
            "(system property autolog.tracking_uri) = \"localhost:5000\"", "did you mean http://localhost:5000?"),
        error("tracking_uri without a host", "tracking_uri",
            (job, dir) -> job.withAgent("tracking_uri=http://"),
            "= \"http://\"", "not a valid http(s) URI", "http(s)://host[:port]"),
        error("tracking_uri databricks:// without a profile", "tracking_uri",
            (job, dir) -> job.withAgent("tracking_uri=databricks://"),
            "= \"databricks://\"", "names no profile", "; write databricks://<profile>"),
        error("tracking_uri with a password in its user info", "tracking_uri",
            (job, dir) -> job.withAgent("tracking_uri=htp://alice:" + SECRET + "@127.0.0.1:5000"),
            "= \"htp://127.0.0.1:5000\"", "the scheme \"htp:\" is not supported"),
        error("tracking_uri databricks without a host", "tracking_uri",
            (job, dir) -> job.withAgent("tracking_uri=databricks").env("DATABRICKS_TOKEN", SECRET)
                .env("DATABRICKS_CONFIG_FILE", dir.resolve("no.databrickscfg").toString()),
            "= \"databricks\"", "Databricks tracking needs the workspace URL", "; set databricks_host",
            "[DEFAULT] profile in " + "<dir>/no.databrickscfg"),
        error("tracking_uri databricks without a token", "tracking_uri",
            (job, dir) -> job.withAgent("tracking_uri=databricks://prod,databricks_host=https://dbc.example.com")
                .env("DATABRICKS_CONFIG_FILE", dir.resolve("no.databrickscfg").toString()),
            "= \"databricks://prod\"", "Databricks needs a personal access token",
            "; set tracking_token (or DATABRICKS_TOKEN), or add token = ... to the [prod] profile in <dir>"),

        // credentials
        error("tracking_username without a password", "tracking_username",
            (job, dir) -> job.withAgent(null).env("MLFLOW_TRACKING_URI", "http://127.0.0.1:1")
                .env("MLFLOW_TRACKING_USERNAME", "alice"),
            "(environment MLFLOW_TRACKING_USERNAME) = \"alice\"", "a username needs a password",
            "; set tracking_password (or MLFLOW_TRACKING_PASSWORD) or use tracking_token instead"),
        error("tracking_password without a username", "tracking_password",
            (job, dir) -> job.withAgent("tracking_password=" + SECRET),
            "(agent argument) = \"****\"", "a password needs a username", "; set tracking_username"),
        error("MLFLOW_TRACKING_PASSWORD without a username", "tracking_password",
            (job, dir) -> job.withAgent(null).env("MLFLOW_TRACKING_PASSWORD", SECRET),
            "(environment MLFLOW_TRACKING_PASSWORD) = \"****\"", "a password needs a username"),
        error("tracking_password referring to an unset variable", "tracking_password",
            (job, dir) -> job.withAgent("tracking_username=alice,tracking_password={{env:MISSING_PASSWORD}}"),
            "= \"****\"", "the environment variable MISSING_PASSWORD referenced by {{env:MISSING_PASSWORD}} is not set",
            "; set MISSING_PASSWORD or change the reference"),
        error("tracking_token referring to a missing file", "tracking_token",
            (job, dir) -> job.withAgent("tracking_token={{file:token.txt}}"),
            "= \"****\"", "the file <dir>/token.txt referenced by {{file:token.txt}} does not exist",
            "; create it or fix the path"),
        error("tracking_token from a missing secrets file", "tracking_token",
            (job, dir) -> job.withAgent("secrets_dir=" + dir.resolve("secrets") + ",tracking_token={{vault.token}}"),
            "= \"****\"", "the secret file <dir>/secrets/vault.properties for {{vault.token}} does not exist",
            "; create it with a line token=<value>, or set secrets_dir"),
        error("tracking_token from a secrets file without that key", "tracking_token",
            (job, dir) -> {
              file(dir.resolve("secrets/vault.properties"), "password=" + SECRET + "\n", "rw-------");
              return job.withAgent(null).env("AUTOLOG_SECRETS_DIR", dir.resolve("secrets").toString())
                  .env("AUTOLOG_TRACKING_TOKEN", "{{vault.token}}");
            },
            "(environment AUTOLOG_TRACKING_TOKEN) = \"****\"", "has no key \"token\"",
            "; add a line token=<value> to it"),
        error("tracking_token with a malformed reference", "tracking_token",
            (job, dir) -> job.withAgent("tracking_token={{vault}}"),
            "= \"****\"", "{{vault}} is not a valid secret reference",
            "; use {{env:NAME}}, {{file:path}} or {{secret_name.key}}"),

        // TLS
        error("tracking_insecure_tls not a boolean", "tracking_insecure_tls",
            (job, dir) -> job.withAgent(null).env("MLFLOW_TRACKING_INSECURE_TLS", "sometimes"),
            "(environment MLFLOW_TRACKING_INSECURE_TLS) = \"sometimes\": " + booleans),
        error("tracking_insecure_tls with a CA bundle", "tracking_insecure_tls",
            (job, dir) -> {
              file(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n", "rw-r--r--");
              return job.withAgent("tracking_insecure_tls=true,tracking_server_cert_path=ca.pem");
            },
            "= \"true\": cannot be combined with tracking_server_cert_path",
            "; set tracking_insecure_tls=false or remove tracking_server_cert_path"),
        error("tracking_server_cert_path missing", "tracking_server_cert_path",
            (job, dir) -> job.withAgent("tracking_server_cert_path=missing-ca.pem"),
            "= \"<dir>/missing-ca.pem\": " + readablePem),
        error("tracking_client_cert_path missing", "tracking_client_cert_path",
            (job, dir) -> job.withAgent(null).env("MLFLOW_TRACKING_CLIENT_CERT_PATH", "missing-client.pem"),
            "(environment MLFLOW_TRACKING_CLIENT_CERT_PATH) = \"<dir>/missing-client.pem\": " + readablePem),

        // Databricks host
        error("databricks_host with another scheme", "databricks_host",
            (job, dir) -> job.withAgent("tracking_uri=databricks,databricks_host=ftp://dbc.example.com"),
            "= \"ftp://dbc.example.com\"", "the scheme \"ftp:\" is not a workspace URL",
            "; write the workspace URL, e.g. https://"),
        error("databricks_host not a host", "databricks_host",
            (job, dir) -> job.withAgent("tracking_uri=databricks").env("DATABRICKS_HOST", "my workspace"),
            "(environment DATABRICKS_HOST) = \"my workspace\"", "not a host name or URL",
            "; write the workspace URL"),

        // plain strings fail only through their references
        error("experiment_name referring to an unset variable", "experiment_name",
            (job, dir) -> job.withAgent("experiment_name={{env:EXPERIMENT}}"),
            "= \"{{env:EXPERIMENT}}\"",
            "the environment variable EXPERIMENT referenced by {{env:EXPERIMENT}} is not set",
            "; set EXPERIMENT or change the reference"),
        error("run_name in YAML referring to a missing file", "run_name",
            (job, dir) -> job.withAgent(null).jvmArg("-Dautolog.config=" + file(dir.resolve("autolog.yaml"),
                "run_name: \"{{file:name.txt}}\"\n", "rw-------")),
            "(config file <dir>/autolog.yaml) = \"{{file:name.txt}}\"", "does not exist", "; create it"),

        // booleans
        error("nested not a boolean", "nested",
            (job, dir) -> job.withAgent(null).jvmArg("-Dautolog.nested=maybe"),
            "(system property autolog.nested) = \"maybe\": " + booleans),
        error("enabled not a boolean", "enabled",
            (job, dir) -> job.withAgent(null).env("AUTOLOG_ENABLED", "perhaps"),
            "(environment AUTOLOG_ENABLED) = \"perhaps\": " + booleans),
        error("log_models not a boolean", "log_models",
            (job, dir) -> job.withAgent("log_models=2"), "= \"2\": " + booleans),
        error("run_per_call not a boolean", "run_per_call",
            (job, dir) -> job.withAgent("run_per_call=always"), "= \"always\": " + booleans),
        error("dl4j.enabled in YAML not a boolean", "dl4j.enabled",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "dl4j:\n  enabled: sometimes\n", "rw-------");
              return job.withAgent(null);
            },
            "(config file <dir>/autolog.yaml) = \"sometimes\": " + booleans),
        error("tribuo.enabled not a boolean", "tribuo.enabled",
            (job, dir) -> job.withAgent(null).env("AUTOLOG_TRIBUO_ENABLED", "on"),
            "(environment AUTOLOG_TRIBUO_ENABLED) = \"on\": " + booleans),
        error("tribuo.log_onnx not a boolean", "tribuo.log_onnx",
            (job, dir) -> job.withAgent(null).jvmArg("-Dautolog.tribuo.log_onnx=onnx"),
            "(system property autolog.tribuo.log_onnx) = \"onnx\": " + booleans),

        // numbers
        error("log_every_n_iterations zero", "log_every_n_iterations",
            (job, dir) -> job.withAgent("log_every_n_iterations=0"),
            "= \"0\": must be at least 1; use a whole number from 1 to 2147483647"),
        error("log_every_n_iterations in YAML a fraction", "log_every_n_iterations",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "log_every_n_iterations: 1.5\n", "rw-------");
              return job.withAgent(null);
            },
            "= \"1.5\": not a whole number in range; use a whole number from 1 to 2147483647"),
        error("flush_timeout_ms negative", "flush_timeout_ms",
            (job, dir) -> job.withAgent("flush_timeout_ms=-1"),
            "= \"-1\": must be at least 0; use a whole number from 0 to 9223372036854775807"),
        error("finish_grace_ms with a unit", "finish_grace_ms",
            (job, dir) -> job.withAgent(null).jvmArg("-Dautolog.finish_grace_ms=2s"),
            "(system property autolog.finish_grace_ms) = \"2s\": not a whole number in range"),
        error("queue_capacity too small", "queue_capacity",
            (job, dir) -> job.withAgent("queue_capacity=999"),
            "= \"999\": must be at least 1000; use a whole number from 1000 to 2147483647"),
        error("journal_max_mb zero", "journal_max_mb",
            (job, dir) -> job.withAgent("journal_max_mb=0"),
            "= \"0\": must be at least 1; use a whole number from 1 to 9223372036854775807"),
        error("request_timeout_ms too short", "request_timeout_ms",
            (job, dir) -> job.withAgent(null).env("AUTOLOG_REQUEST_TIMEOUT_MS", "5"),
            "(environment AUTOLOG_REQUEST_TIMEOUT_MS) = \"5\": must be at least 100"),
        error("queue_capacity too large", "queue_capacity",
            (job, dir) -> job.withAgent(null).env("AUTOLOG_QUEUE_CAPACITY", "2147483648"),
            "(environment AUTOLOG_QUEUE_CAPACITY) = \"2147483648\": must be at most 2147483647"),

        // tags
        error("tags entry without a colon", "tags",
            (job, dir) -> job.withAgent("tags=team=ml"),
            "(agent argument): tag entry 1 has no ':'", "; write tags as name:value pairs separated by ';'"),
        error("tag with an empty name", "tags",
            (job, dir) -> job.withAgent("tags.=x"),
            "(agent argument): a tag has an empty name", "; write tags.<name>=value"),
        error("tags in YAML as a list", "tags",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "tags:\n  - team\n", "rw-------");
              return job.withAgent(null);
            },
            "expects a mapping, not a list", "; write tags as a mapping, e.g. tags: {team: ml, stage: dev}"),
        error("secret-named tag referring to an unset variable", "tags.api_token",
            (job, dir) -> job.withAgent("tags.api_token={{env:API_TOKEN}}"),
            "= \"****\"", "API_TOKEN referenced by {{env:API_TOKEN}} is not set"),

        // paths
        error("run_info_file a directory", "run_info_file",
            (job, dir) -> job.withAgent("run_info_file=" + dir),
            "= \"<dir>\": this is a directory, not a file", "; name a file, e.g. <dir>/run-info.json"),
        error("journal_dir a file", "journal_dir",
            (job, dir) -> {
              file(dir.resolve("journal"), "not a directory\n", "rw-------");
              return job.withAgent("journal_dir=" + dir.resolve("journal"));
            },
            "= \"<dir>/journal\": this is a file, not a directory", "; name a directory"),
        error("secrets_dir referring to itself", "secrets_dir",
            (job, dir) -> job.withAgent("secrets_dir={{vault.dir}}"),
            "= \"{{vault.dir}}\": {{vault.dir}} cannot be used for secrets_dir itself",
            "; write the directory's path, or use {{env:NAME}} or {{file:path}}"),

        // the config file
        error("config naming a missing file", "config",
            (job, dir) -> job.withAgent("config=missing.yaml"),
            "= \"missing.yaml\": the config file <dir>/missing.yaml does not exist", "; fix the path"),
        error("config file that is not valid YAML", "config",
            (job, dir) -> job.withAgent(null).env("AUTOLOG_CONFIG", file(dir.resolve("bad.yaml"),
                "tracking_password: " + SECRET + ": [\n", "rw-------").toString()),
            "(environment AUTOLOG_CONFIG) = \"<dir>/bad.yaml\": the file is not valid YAML (line ",
            "; fix the YAML syntax"),
        error("config file that is a list", "config",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "- experiment_name\n- x\n", "rw-------");
              return job.withAgent(null);
            },
            "(found as ./autolog.yaml in the working directory) = \"<dir>/autolog.yaml\"",
            "the file is not a YAML mapping of setting names to values",
            "; write one setting per line, e.g. experiment_name: my-experiment"),
        error("a YAML setting given a list", "experiment_name",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "experiment_name: [a, b]\n", "rw-------");
              return job.withAgent(null);
            },
            "(config file <dir>/autolog.yaml): expects a single value, not a list", "; write experiment_name: <value>"),

        // warnings: autologging goes on
        warning("unknown key close to a known one", "unknown setting \"experimant_name\"",
            (job, dir) -> job.withAgent("experimant_name=x"),
            "(agent argument); did you mean \"experiment_name\"? The setting is ignored"),
        warning("unknown key close to none", "unknown setting \"colour\"",
            (job, dir) -> job.withAgent(null).jvmArg("-Dautolog.colour=blue"),
            "(system property autolog.colour); no setting has a similar name", "The setting is ignored"),
        warning("debug given as a setting", "unknown setting \"debug\"",
            (job, dir) -> job.withAgent(null).env("AUTOLOG_DEBUG", "true"),
            "(environment AUTOLOG_DEBUG); debug output is switched on by the system property -Dautolog.debug=true"),
        warning("agent argument entry without '='", "agent argument entry 2 has no '='",
            (job, dir) -> job.withAgent("experiment_name=x,nested"),
            "is ignored; write key=value pairs separated by ','"),
        warning("token next to a username and password", "tracking_token (environment MLFLOW_TRACKING_TOKEN)",
            (job, dir) -> job.withAgent("tracking_uri=http://127.0.0.1:1,tracking_username=alice,"
                + "tracking_password=" + SECRET).env("MLFLOW_TRACKING_TOKEN", SECRET + "t"),
            "is ignored because tracking_username and tracking_password are set too", "Unset one of them"),
        warning("secret file others can read", "secret file <dir>/password.txt",
            (job, dir) -> {
              file(dir.resolve("password.txt"), SECRET + "\n", "rw-r--r--");
              return job.withAgent("tracking_username=alice,tracking_password={{file:password.txt}}");
            },
            "holds a plain-text secret and can be read by group or others; run chmod 600 <dir>/password.txt"),
        warning("config file with a plain secret others can read", "config file <dir>/autolog.yaml",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "tracking_token: " + SECRET + "\n", "rw-r--r--");
              return job.withAgent(null);
            },
            "holds plain-text secrets (tracking_token) and can be read by group or others; run chmod 600"),
        warning("config inside the config file", "config (config file <dir>/autolog.yaml)",
            (job, dir) -> {
              file(dir.resolve("autolog.yaml"), "config: other.yaml\n", "rw-------");
              return job.withAgent(null);
            },
            "has no effect inside the config file; set it in the agent argument, -Dautolog.config or AUTOLOG_CONFIG"));
  }

  @BeforeAll
  static void runWithoutTheAgent() throws Exception {
    plain = ForkedJob.of(FixedOutputJob.class).args("3").runIn(plainDir);
    assertEquals(3, plain.exitCode(), plain::toString);
    assertFalse(plain.stdout().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void oneClearLineAndAnUntouchedJob(Case c, @TempDir Path dir) throws Exception {
    Path work = dir.toRealPath();
    ForkedJob.Result result = c.setup().configure(ForkedJob.of(FixedOutputJob.class).args("3"), work).runIn(work);

    assertEquals(plain.exitCode(), result.exitCode(), "exit code");
    assertEquals(plain.stdout(), result.stdout(), "stdout");
    assertEquals(plain.stderr(), result.stderrWithoutAgent(), "the job's own stderr");
    assertFalse(result.stdout().contains(SECRET) || result.stderr().contains(SECRET),
        "a planted secret was printed: " + result.stderr().replace(SECRET, "<SECRET>"));

    List<String> lines = result.agentLines();
    // An error is followed by "autologging is off"; a warning stands alone, since the agent says where runs go only
    // at the first training call, which this job never makes.
    assertEquals(c.kind() == Kind.ERROR ? 2 : 1, lines.size(), "one line about the problem: " + lines);
    String line = lines.get(0);
    if (c.kind() == Kind.ERROR) {
      // invalid setting <key> (<source>) = "<value>": <reason>; <fix>   (no value where none can be shown safely)
      assertTrue(Pattern.matches("\\[autolog] ERROR invalid setting " + Pattern.quote(c.key())
          + " \\([^)]+\\)( = \".*\")?: .+; .{10,}", line), "setting, source, value, reason and fix: " + line);
      assertEquals(OFF, lines.get(1));
    } else {
      assertTrue(line.startsWith("[autolog] WARN ") && line.contains(c.key().replace("<dir>", work.toString())),
          line);
    }
    for (String shown : c.shows()) {
      String expected = shown.replace("<dir>", work.toString());
      assertTrue(line.contains(expected), "the line should contain\n  " + expected + "\nbut is\n  " + line);
    }
    assertFalse(Files.exists(work.resolve("mlruns")), "nothing was recorded");
  }

  /** Every setting has at least one case above, so a new setting cannot go without one. */
  @Test
  void everySettingHasAnInvalidCase() {
    Set<ConfigKey> covered = EnumSet.noneOf(ConfigKey.class);
    cases().filter(c -> c.kind() == Kind.ERROR).forEach(c -> {
      ConfigKey key = ConfigKey.byName(c.key().startsWith("tags.") ? "tags" : c.key());
      if (key != null) {
        covered.add(key);
      }
    });
    List<String> missing = new ArrayList<>();
    for (ConfigKey key : ConfigKey.values()) {
      if (!covered.contains(key)) {
        missing.add(key.key());
      }
    }
    assertEquals(List.of(), missing, "settings without an invalid-value case");
  }

  private static Path file(Path path, String content, String permissions) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    return path;
  }
}
