package io.beastmode.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes what a test put under the temporary directory, so runs leave the machine as it was. */
public final class TempFiles {
  private TempFiles() {}

  /** Deletes a file or a directory with everything in it; a path already gone is fine. */
  public static void delete(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(each -> each.toFile().delete());
    } catch (IOException e) {
      // a file left in /tmp is no reason to fail a test
    }
  }
}
