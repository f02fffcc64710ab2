package io.beastmode.operator.desired;

/**
 * The JVM options router pods run with (their {@code JAVA_TOOL_OPTIONS}), sized so a router stays
 * inside its memory limit under sustained load: {@code make bench-router-memory} measures them
 * (bench/results/router-memory.md). The image carries the same options as its default
 * (image/java-options).
 */
public final class RouterJvmOptions {
  /**
   * Serial GC: no GC threads of its own, the least native memory for a heap this small. The heap
   * takes 40% of the memory limit; the rest is for what the JVM needs beside it, about 160 MiB for
   * a router (metaspace, code, the shared class archive, the JVM itself, malloc). MinRAMPercentage
   * too: below about 256 MiB the JVM sizes the heap by it (default 50%), not by MaxRAMPercentage.
   * An OutOfMemoryError ends the process, so the kubelet restarts the pod instead of it limping on.
   */
  public static final String DEFAULT =
      "-XX:+UseSerialGC -XX:MinRAMPercentage=40 -XX:MaxRAMPercentage=40"
          + " -XX:+ExitOnOutOfMemoryError";

  /** glibc's malloc arenas, one per thread that allocates, add up in a small container. */
  public static final String MALLOC_ARENA_MAX = "2";

  private RouterJvmOptions() {}
}
