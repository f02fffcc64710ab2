package io.beastmode.operator.desired;

/**
 * The JVM options router pods run with (their {@code JAVA_TOOL_OPTIONS}), sized so a router stays
 * inside its memory limit under sustained load: {@code make bench-router-memory} measures them
 * (bench/results/router-memory.md). The image carries the same options as its default
 * (image/java-options).
 */
public final class RouterJvmOptions {
  /**
   * Serial GC: no concurrent GC threads or remembered sets, the least native memory for a heap this
   * small. The heap takes half the limit; metaspace, code cache, thread stacks and direct buffers
   * are capped so the rest fits beside it. An OutOfMemoryError ends the process, so the kubelet
   * restarts the pod instead of it limping on.
   */
  public static final String DEFAULT =
      "-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError";

  /** glibc's malloc arenas, one per thread that allocates, add up in a small container. */
  public static final String MALLOC_ARENA_MAX = "2";

  private RouterJvmOptions() {}
}
