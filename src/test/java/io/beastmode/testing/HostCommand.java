package io.beastmode.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command on this host run to its end, its output as text. */
final class HostCommand {
  private HostCommand() {}

  /** The output (errors included) of a command that succeeds; empty when it fails or is missing. */
  static String output(List<String> command) {
    Result result = run(command, null);
    return result.exit() == 0 ? result.output() : "";
  }

  record Result(int exit, String output) {}

  /** Runs {@code command}, its standard input {@code input} (or none), output and errors merged. */
  static Result run(List<String> command, String input) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (var in = process.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, output);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Runs {@code command} and fails with its output unless it exits 0. */
  static String check(List<String> command) {
    Result result = run(command, null);
    if (result.exit() != 0) {
      throw new IllegalStateException(
          command + " failed (" + result.exit() + "): " + result.output());
    }
    return result.output();
  }
}
