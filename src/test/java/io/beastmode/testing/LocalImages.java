package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Container images built from files on this machine with umoci: nothing is pulled. */
public final class LocalImages {
  /**
   * busybox (Debian's static build) with links for its applets in /bin; it sleeps unless told
   * otherwise, which makes it the node's pod sandbox ("pause") image as well.
   */
  public static final String BUSYBOX = "beastmode.local/busybox:1";

  private static final List<String> APPLETS =
      List.of("sh", "sleep", "mkdir", "echo", "cat", "ls", "httpd", "wget", "nc", "true", "env");

  private LocalImages() {}

  /** Writes the busybox image as an OCI archive {@code ctr images import} reads; returns it. */
  public static Path busybox(Path workDir) {
    Path layout = workDir.resolve("busybox-oci");
    Path bundle = workDir.resolve("busybox-bundle");
    Path archive = workDir.resolve("busybox.tar");
    String image = layout + ":" + BUSYBOX;
    HostCommand.check(List.of("umoci", "init", "--layout", layout.toString()));
    HostCommand.check(List.of("umoci", "new", "--image", image));
    HostCommand.check(List.of("umoci", "unpack", "--image", image, bundle.toString()));
    try {
      Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
      Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
      for (String applet : APPLETS) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
      Files.createDirectories(bundle.resolve("rootfs/tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HostCommand.check(List.of("umoci", "repack", "--image", image, bundle.toString()));
    HostCommand.check(
        List.of(
            "umoci",
            "config",
            "--image",
            image,
            "--config.env",
            "PATH=/bin",
            "--config.entrypoint",
            "/bin/sleep",
            "--config.cmd",
            "2147483647"));
    HostCommand.check(List.of("umoci", "gc", "--layout", layout.toString()));
    HostCommand.check(List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), "."));
    TempFiles.delete(bundle);
    TempFiles.delete(layout);
    return archive;
  }
}
