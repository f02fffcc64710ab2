package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A git working copy whose commits are pushed to one remote, with Debian's git: what a user does to
 * a repository Flux follows.
 */
public final class GitWorkingCopy {
  public static final String BRANCH = "main";

  private final Path dir;
  private final String remote;

  private GitWorkingCopy(Path dir, String remote) {
    this.dir = dir;
    this.remote = remote;
  }

  static GitWorkingCopy create(Path dir, String remote) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var copy = new GitWorkingCopy(dir, remote);
    copy.git("init", "-q", "-b", BRANCH);
    copy.git("remote", "add", "origin", remote);
    return copy;
  }

  /** The URL it pushes to, which Flux clones from. */
  public String remote() {
    return remote;
  }

  /** The working tree, to write files into. */
  public Path dir() {
    return dir;
  }

  /**
   * Commits every change of the working tree and pushes it; returns the revision as Flux names it
   * ({@code main@sha1:<commit>}).
   */
  public String commitAndPush(String message) {
    git("add", "-A");
    git(
        "-c",
        "user.name=BEAST MODE tests",
        "-c",
        "user.email=tests@beastmode.io",
        "commit",
        "-q",
        "-m",
        message);
    git("push", "-q", "origin", "HEAD:" + BRANCH);
    return BRANCH + "@sha1:" + git("rev-parse", "HEAD").strip();
  }

  private String git(String... args) {
    var command = new ArrayList<String>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    return HostCommand.check(command);
  }
}
