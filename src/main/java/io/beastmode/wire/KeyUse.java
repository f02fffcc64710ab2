package io.beastmode.wire;

/**
 * When each ApiKey was last used in a region: one hash in the region's Redis, field {@code
 * namespace/name}, value epoch milliseconds. Routers write it with their heartbeat, so a busy key
 * costs one write a second per pod, not one per request.
 */
public final class KeyUse {
  public static final String KEY = "beastmode:keys:last-used";

  private KeyUse() {}
}
