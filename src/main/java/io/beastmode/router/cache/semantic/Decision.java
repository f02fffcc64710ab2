package io.beastmode.router.cache.semantic;

/**
 * The policy's verdict on a request. {@code candidate} is the entry served or explored (null on a
 * miss without one); {@code reason} says why, for logs and metrics (a short constant word).
 */
public record Decision(Verdict verdict, Candidate candidate, String reason) {}
