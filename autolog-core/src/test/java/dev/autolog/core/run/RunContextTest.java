package dev.autolog.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunContextTest {
  private static final String SHA_A = "0123456789abcdef0123456789abcdef01234567";
  private static final String SHA_B = "fedcba9876543210fedcba9876543210fedcba98";

  @TempDir Path temp;

  @Test
  void readsALooseBranchRef() throws IOException {
    Path git = Files.createDirectories(temp.resolve(".git"));
    write(git.resolve("HEAD"), "ref: refs/heads/main\n");
    write(git.resolve("refs/heads/main"), SHA_A + "\n");
    assertEquals(SHA_A, RunContext.gitCommit(temp));
  }

  @Test
  void readsABranchFromPackedRefs() throws IOException {
    Path git = Files.createDirectories(temp.resolve(".git"));
    write(git.resolve("HEAD"), "ref: refs/heads/main\n");
    write(git.resolve("packed-refs"), "# pack-refs with: peeled fully-peeled sorted \n"
        + SHA_B + " refs/heads/feature/main\n"
        + SHA_A + " refs/heads/main\n"
        + "^" + SHA_B + "\n");
    assertEquals(SHA_A, RunContext.gitCommit(temp));
  }

  @Test
  void aLooseRefWinsOverAStalePackedOne() throws IOException {
    Path git = Files.createDirectories(temp.resolve(".git"));
    write(git.resolve("HEAD"), "ref: refs/heads/main\n");
    write(git.resolve("packed-refs"), SHA_B + " refs/heads/main\n");
    write(git.resolve("refs/heads/main"), SHA_A + "\n");
    assertEquals(SHA_A, RunContext.gitCommit(temp));
  }

  @Test
  void readsADetachedHead() throws IOException {
    Path git = Files.createDirectories(temp.resolve(".git"));
    write(git.resolve("HEAD"), SHA_B + "\n");
    assertEquals(SHA_B, RunContext.gitCommit(temp));
  }

  @Test
  void followsAGitFileToTheRealGitDirectory() throws IOException {
    Path real = Files.createDirectories(temp.resolve("elsewhere/repo.git"));
    write(real.resolve("HEAD"), "ref: refs/heads/dev\n");
    write(real.resolve("refs/heads/dev"), SHA_A + "\n");
    Path work = Files.createDirectories(temp.resolve("work"));
    write(work.resolve(".git"), "gitdir: ../elsewhere/repo.git\n");
    assertEquals(SHA_A, RunContext.gitCommit(work));
  }

  @Test
  void readsALinkedWorktreeThroughItsCommonDirectory() throws IOException {
    // git worktree add: .git names .git/worktrees/<name>, whose refs live in the main .git.
    Path main = Files.createDirectories(temp.resolve("main/.git"));
    write(main.resolve("refs/heads/feature"), SHA_B + "\n");
    Path linked = Files.createDirectories(main.resolve("worktrees/wt"));
    write(linked.resolve("HEAD"), "ref: refs/heads/feature\n");
    write(linked.resolve("commondir"), "../..\n");
    Path work = Files.createDirectories(temp.resolve("wt"));
    write(work.resolve(".git"), "gitdir: " + linked + "\n");
    assertEquals(SHA_B, RunContext.gitCommit(work));
  }

  @Test
  void anUnbornBranchHasNoCommit() throws IOException {
    Path git = Files.createDirectories(temp.resolve(".git"));
    write(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.createDirectories(git.resolve("refs/heads"));
    assertNull(RunContext.gitCommit(temp));
  }

  @Test
  void aDirectoryOutsideAnyWorkTreeHasNoCommit() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("plain/dir"));
    assumeTrue(noGitAbove(dir), "a parent of the temp directory is a git work tree");
    assertNull(RunContext.gitCommit(dir));
  }

  @Test
  void aSubdirectoryOfAWorkTreeFindsItsGit() throws IOException {
    Path git = Files.createDirectories(temp.resolve("repo/.git"));
    write(git.resolve("HEAD"), "ref: refs/heads/main\n");
    write(git.resolve("refs/heads/main"), SHA_A + "\n");
    Path sub = Files.createDirectories(temp.resolve("repo/src/main/java"));
    assertEquals(SHA_A, RunContext.gitCommit(sub));
  }

  @Test
  void aHeadThatIsNotAShaIsIgnored() throws IOException {
    Path git = Files.createDirectories(temp.resolve(".git"));
    write(git.resolve("HEAD"), "garbage\n");
    assertNull(RunContext.gitCommit(temp));
  }

  @Test
  void systemTagsCarryUserSourceCommitAndFlavor() {
    RunContext context = new RunContext("alice", "/jobs/train.jar", "train", SHA_A);
    Map<String, String> tags = context.systemTags("dl4j");
    assertEquals(Map.of("mlflow.user", "alice", "mlflow.source.name", "/jobs/train.jar",
        "mlflow.source.type", "LOCAL", "mlflow.source.git.commit", SHA_A,
        "mlflow.autologging", "dl4j"), tags);
    assertEquals("train", context.jobName());
  }

  @Test
  void withoutCommitOrFlavorThoseTagsAreLeftOut() {
    Map<String, String> tags = new RunContext("bob", "Main", "Main", null).systemTags(null);
    assertEquals(List.of("mlflow.user", "mlflow.source.name", "mlflow.source.type"), List.copyOf(tags.keySet()));
    assertFalse(tags.containsKey("mlflow.source.git.commit"));
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static boolean noGitAbove(Path dir) {
    for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"))) {
        return false;
      }
    }
    return true;
  }
}
