package io.beastmode.router.cache;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Singleton;

/**
 * Keeps a copy of the options Quarkus builds for its Redis client (hosts, password, TLS, pool), so
 * the cache can open clients of its own, one per event loop, configured the same way.
 */
@Singleton
public class CacheRedisOptions implements RedisOptionsCustomizer {
  private volatile RedisOptions options;

  @Override
  public void customize(String clientName, RedisOptions options) {
    this.options = new RedisOptions(options);
  }

  /** A copy of the options, null until Quarkus has made its client. */
  public RedisOptions copy() {
    RedisOptions current = options;
    return current == null ? null : new RedisOptions(current);
  }
}
