package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The project's image as {@code image/build.sh} writes it (target/image/beast-mode.tar), for tests
 * that run it on a {@link NodeRegion}. {@code make test} builds it before the tests; a test run on
 * its own builds it here when the tar is missing or older than the packaged application.
 */
public final class PodImage {
  public static final Path ARCHIVE = Path.of("target", "image", "beast-mode.tar");
  private static final Path APPLICATION = Path.of("target", "quarkus-app", "quarkus-run.jar");

  /** The tag: the project's version, as image/build.sh reads it from pom.xml. */
  public static final String TAG = projectVersion();

  /** How pods name it: containerd knows it as docker.io/library/beast-mode:TAG. */
  public static final String REFERENCE = "beast-mode:" + TAG;

  private PodImage() {}

  /** The image archive, built first when missing or stale. */
  public static synchronized Path archive() {
    try {
      boolean stale =
          !Files.exists(ARCHIVE)
              || (Files.exists(APPLICATION)
                  && Files.getLastModifiedTime(APPLICATION)
                          .compareTo(Files.getLastModifiedTime(ARCHIVE))
                      > 0);
      if (stale) {
        if (!Files.exists(APPLICATION)) {
          throw new IllegalStateException(
              "no " + ARCHIVE + " and no " + APPLICATION + " to build it from: run make image");
        }
        var build =
            new ProcessBuilder(List.of("bash", "image/build.sh"))
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(
                        Files.createDirectories(Path.of("target", "image-build"))
                            .resolve("build.log")
                            .toFile()))
                .start();
        if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
          build.destroyForcibly();
          throw new IllegalStateException(
              "image/build.sh failed: see target/image-build/build.log");
        }
      }
      return ARCHIVE;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String projectVersion() {
    try {
      var matcher =
          Pattern.compile("(?m)^  <version>(.*)</version>$")
              .matcher(Files.readString(Path.of("pom.xml")));
      if (!matcher.find()) {
        throw new IllegalStateException("no project version in pom.xml");
      }
      return matcher.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
