package io.beastmode.router;

import io.beastmode.router.access.Admission;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.cache.CacheDecision;
import io.beastmode.router.cache.CacheKey;
import io.beastmode.router.cache.CachedAnswer;
import io.beastmode.router.dialect.CanonicalRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * One request's part in the answer cache: its key and tenant, the exact lookup, the semantic step
 * after a miss and the store of the answer it got.
 */
final class RequestCache {
  private final Exchange.Services services;
  private final RoutingTable table;
  private final Admission admission;

  /** Null while the request does not use the cache, or after its lookup failed. */
  private String key;

  /** The tenant the cache is partitioned by, once {@link #key} decided it. */
  private String tenant;

  /** This request's part in the semantic cache; null when it has none. */
  private SemanticStep semantic;

  RequestCache(Exchange.Services services, RoutingTable table, Admission admission) {
    this.services = services;
    this.table = table;
    this.admission = admission;
  }

  /**
   * The request's cache key when the cache is to be looked up; null when the request bypasses the
   * cache or the cache is paused. The canonical request is read only for a cacheable one.
   */
  String key(
      CompletionRequest request, Supplier<CanonicalRequest> canonical, HttpServerRequest http) {
    boolean cacheable =
        CacheDecision.of(table.config().cache(), request, http.getHeader("cache-control"))
            == CacheDecision.use;
    if (!cacheable || !services.cache().available()) {
      return null;
    }
    // With keys, the key decides the tenant and the tenant header is ignored.
    tenant = admission.tenant(http.getHeader(table.config().cache().tenantHeader));
    CanonicalRequest read = canonical.get();
    key =
        read != null
            ? CacheKey.ofCanonical(
                table.routerName(), table.version(), tenant, read.cacheIdentity())
            : CacheKey.of(table.routerName(), table.version(), tenant, request);
    return key;
  }

  Future<CachedAnswer> lookUp() {
    return services.cache().get(key);
  }

  /** The lookup failed (counted by the cache itself): the request goes on without the cache. */
  void drop() {
    key = null;
  }

  /** Whether the request's answer is to be kept. */
  boolean used() {
    return key != null;
  }

  /** After an exact miss, the semantic step for this request; null when it has none. */
  SemanticStep semantic(Supplier<CanonicalRequest> canonical) {
    semantic =
        key == null
            ? null
            : SemanticStep.of(
                services.semantic().get(),
                services.cache(),
                services.metrics(),
                table,
                canonical.get(),
                tenant,
                admission.caller());
    return semantic;
  }

  /** Whether the answer being given is the semantic cache's. */
  boolean servedSemantically() {
    return semantic != null && semantic.served() != null;
  }

  /** Feedback under this request id labels the semantic entry that gave the answer. */
  void servedAs(String requestId) {
    semantic.servedAs(requestId);
  }

  /**
   * Keeps an answer that has just gone out: the client does not wait for its store. A later request
   * on this event loop still finds it, its lookup going to Redis after this store.
   */
  void store(CachedAnswer answer) {
    services.cache().put(key, answer, table.config().cache().ttlSeconds);
    if (semantic != null) {
      semantic.answered(key, answer);
    }
  }
}
