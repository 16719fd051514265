package dev.autolog.core.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Facts about this JVM that every run carries as MLflow system tags: the user, the job's source
 * (main class or jar) and, when the working directory is a git checkout, its commit.
 */
public final class RunContext {
  private final String user;
  private final String sourceName;
  private final String jobName;
  private final String gitCommit;

  /** A context with explicit values (tests). {@code gitCommit} may be null. */
  public RunContext(String user, String sourceName, String jobName, String gitCommit) {
    this.user = user;
    this.sourceName = sourceName;
    this.jobName = jobName;
    this.gitCommit = gitCommit;
  }

  /** The context of the running JVM. */
  public static RunContext detect() {
    String command = System.getProperty("sun.java.command", "").trim();
    String first = command.isEmpty() ? "java" : command.split("\\s+")[0];
    String source;
    String job;
    if (first.endsWith(".jar")) {
      Path jar = Path.of(first).toAbsolutePath().normalize();
      source = jar.toString();
      String file = jar.getFileName().toString();
      job = file.substring(0, file.length() - ".jar".length());
    } else {
      source = first;
      job = first.substring(first.lastIndexOf('.') + 1);
    }
    return new RunContext(
        System.getProperty("user.name", "unknown"),
        source,
        job,
        gitCommit(Path.of(System.getProperty("user.dir", "."))));
  }

  /** The job's name, used for the parent run of nested runs. */
  public String jobName() {
    return jobName;
  }

  /** MLflow's system tags for a run made by the {@code flavor} integration. */
  public Map<String, String> systemTags(String flavor) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.user", user);
    tags.put("mlflow.source.name", sourceName);
    tags.put("mlflow.source.type", "LOCAL");
    if (gitCommit != null) {
      tags.put("mlflow.source.git.commit", gitCommit);
    }
    if (flavor != null) {
      tags.put("mlflow.autologging", flavor);
    }
    return tags;
  }

  /**
   * The commit checked out in the git work tree containing {@code dir}, read from {@code .git}
   * directly (no git binary needed); null when there is none or it cannot be read.
   */
  static String gitCommit(Path dir) {
    try {
      for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
        Path git = d.resolve(".git");
        if (Files.isRegularFile(git)) {
          // A linked work tree or submodule: ".git" names the real git directory.
          String line = Files.readString(git, StandardCharsets.UTF_8).trim();
          if (line.startsWith("gitdir:")) {
            git = d.resolve(line.substring("gitdir:".length()).trim()).normalize();
          }
        }
        if (Files.isDirectory(git)) {
          return readHead(git);
        }
      }
    } catch (IOException | RuntimeException e) {
      // No commit tag rather than a failure.
    }
    return null;
  }

  private static String readHead(Path gitDir) throws IOException {
    Path headFile = gitDir.resolve("HEAD");
    if (!Files.isRegularFile(headFile)) {
      return null;
    }
    String head = Files.readString(headFile, StandardCharsets.UTF_8).trim();
    if (!head.startsWith("ref:")) {
      return head.matches("[0-9a-f]{40}") ? head : null;
    }
    String ref = head.substring("ref:".length()).trim();
    Path common = gitDir;
    Path commonDirFile = gitDir.resolve("commondir");
    if (Files.isRegularFile(commonDirFile)) {
      common = gitDir.resolve(Files.readString(commonDirFile, StandardCharsets.UTF_8).trim()).normalize();
    }
    for (Path base : new Path[] {gitDir, common}) {
      Path loose = base.resolve(ref);
      if (Files.isRegularFile(loose)) {
        String sha = Files.readString(loose, StandardCharsets.UTF_8).trim();
        return sha.matches("[0-9a-f]{40}") ? sha : null;
      }
    }
    Path packed = common.resolve("packed-refs");
    if (Files.isRegularFile(packed)) {
      for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
        if (line.endsWith(" " + ref) && line.length() > 41) {
          return line.substring(0, 40);
        }
      }
    }
    return null; // an unborn branch has no commit yet
  }
}
