package io.beastmode.router.cache.semantic;

/** A cached entry that might answer a request: its prompt (the last user turn) and similarity. */
public record Candidate(long entryId, String cachedPrompt, float similarity) {}
