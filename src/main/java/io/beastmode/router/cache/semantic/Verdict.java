package io.beastmode.router.cache.semantic;

/** What to do with a request that has semantic neighbours in the cache. */
public enum Verdict {
  /** Answer from the cached entry. */
  serve,
  /** Ask the model, then compare its answer with the cached one and learn from the result. */
  explore,
  /** Ask the model; nothing to learn. */
  miss
}
