package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Debian packages a tier of the tests needs and the host commands each provides, read from
 * {@code .ci/host-packages.tsv}: the list the provision scripts install from, so what the tests
 * check for and what a fresh machine gets cannot drift apart.
 */
public final class HostPackages {
  static final Path LIST = Path.of(".ci/host-packages.tsv");

  /** One row: a package of a tier and the commands (names on PATH, or absolute paths) it gives. */
  public record Row(String tier, String debianPackage, List<String> commands) {}

  private HostPackages() {}

  public static List<Row> of(String tier) {
    try {
      return Files.readAllLines(LIST).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("\t"))
          .filter(columns -> columns.length == 3 && columns[0].equals(tier))
          .map(columns -> new Row(columns[0], columns[1], Arrays.asList(columns[2].split(" "))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + LIST.toAbsolutePath(), e);
    }
  }

  /**
   * The first command of {@code tier} missing on this host, as "nft is missing (Debian's nftables:
   * make node-binaries installs it)", or empty when every one is there.
   */
  public static Optional<String> firstMissing(String tier, String makeTarget) {
    for (Row row : of(tier)) {
      for (String command : row.commands()) {
        boolean present =
            command.startsWith("/")
                ? Files.isExecutable(Path.of(command))
                : HostCommand.run(List.of("sh", "-c", "command -v " + command), null).exit() == 0;
        if (!present) {
          return Optional.of(
              command
                  + " is missing (Debian's "
                  + row.debianPackage()
                  + ": make "
                  + makeTarget
                  + " installs it)");
        }
      }
    }
    return Optional.empty();
  }
}
