package io.beastmode.router.cache.semantic;

/** A cached entry near a query, with the cosine similarity of their embeddings. */
public record Neighbour(long entryId, float similarity) {}
