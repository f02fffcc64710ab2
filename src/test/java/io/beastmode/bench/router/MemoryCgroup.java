package io.beastmode.bench.router;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A memory cgroup (v1) of the benchmark's own with a limit, which the kernel enforces on the
 * process started in it as it does on a pod's container: past the limit it reclaims, then
 * OOM-kills. Only where this runs as root on cgroup v1 ({@link #create} returns null elsewhere).
 * Removed on close, and left-overs of a killed run are removed by the next.
 */
final class MemoryCgroup implements AutoCloseable {
  private static final Path HIERARCHY = Path.of("/sys/fs/cgroup/memory");
  private static final String PREFIX = "beastmode-bench-router-memory-";

  private final Path dir;

  private MemoryCgroup(Path dir) {
    this.dir = dir;
  }

  static MemoryCgroup create(long limitBytes) throws IOException {
    if (!Files.isWritable(HIERARCHY.resolve("cgroup.procs"))) {
      return null;
    }
    try (var stale = Files.list(HIERARCHY)) {
      for (Path old : stale.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
        Files.deleteIfExists(old);
      }
    } catch (IOException stillInUse) {
      // a run going on beside this one
    }
    Path dir = HIERARCHY.resolve(PREFIX + ProcessHandle.current().pid());
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
    return new MemoryCgroup(dir);
  }

  /** {@code command}, run by a shell that first moves itself into this cgroup. */
  List<String> wrap(List<String> command) {
    var wrapped =
        new ArrayList<>(
            List.of(
                "sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$@\"", "sh"));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * The most the cgroup was charged (memory.max_usage_in_bytes: resident memory and page cache).
   */
  long peakBytes() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("memory.max_usage_in_bytes")).strip());
  }

  /** Processes the kernel killed for the limit (memory.oom_control's oom_kill). */
  long oomKills() throws IOException {
    return Files.readAllLines(dir.resolve("memory.oom_control")).stream()
        .filter(line -> line.startsWith("oom_kill "))
        .mapToLong(line -> Long.parseLong(line.substring("oom_kill ".length()).strip()))
        .findFirst()
        .orElse(0);
  }

  String path() {
    return dir.toString();
  }

  /** Call once its process has ended: a cgroup with processes in it cannot be removed. */
  @Override
  public void close() throws IOException {
    Files.deleteIfExists(dir);
  }
}
