package io.beastmode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client program (a coding agent's CLI, an SDK script) run once in a throwaway directory that is
 * also its home, so it writes nothing to the real one: an environment of its own (nothing inherited
 * but PATH), no standard input, and a bound on its time after which it and every process it started
 * are killed. The directory is removed on {@link #close()}.
 */
public final class ClientProcess implements AutoCloseable {
  /** What the program printed and how it ended. */
  public record Result(int exit, String stdout, String stderr) {
    /** Both streams, for failure messages. */
    public String output() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final Path dir;

  public ClientProcess(String prefix) throws IOException {
    dir = Files.createTempDirectory(prefix);
  }

  /** The throwaway directory: HOME, working directory and place for config files. */
  public Path dir() {
    return dir;
  }

  /** A tool {@code .ci/provision-tools.sh} installed under ~/.kubeapitest/tools. */
  public static Path tool(String... path) {
    Path tool = Path.of(System.getProperty("user.home"), ".kubeapitest", "tools");
    for (String part : path) {
      tool = tool.resolve(part);
    }
    assertThat(tool).as("run make tools: .ci/provision-tools.sh installs " + tool).exists();
    return tool;
  }

  /**
   * Runs {@code command} in {@link #dir()} with HOME there and {@code env} besides PATH; kills it
   * and its descendants when it outlasts {@code timeoutSeconds}, and fails then.
   */
  public Result run(List<String> command, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = dir.resolve(".stdout");
    Path err = dir.resolve(".stderr");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("TMPDIR", dir.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean ended = false;
    try {
      ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    } finally {
      if (!ended) {
        kill(process);
      }
    }
    Result result =
        new Result(
            ended ? process.exitValue() : -1,
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    assertThat(ended)
        .as("%s still running after %d s:%n%s", command.get(0), timeoutSeconds, result.output())
        .isTrue();
    return result;
  }

  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    TempFiles.delete(dir);
  }
}
