package io.beastmode;

/** What this process runs; chosen at start-up with {@code beastmode.role}. */
public enum Role {
  /** The controllers, on the hub cluster. */
  operator,
  /** The OpenAI-compatible data plane, in every region. */
  router,
  /** A fake OpenAI-compatible model backend for demos, tests and benchmarks. */
  simulator
}
