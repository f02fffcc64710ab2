package io.beastmode.router;

import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.SemanticCacheSpec;
import io.beastmode.router.access.Caller;
import io.beastmode.router.cache.CacheKey;
import io.beastmode.router.cache.CachedAnswer;
import io.beastmode.router.cache.ResponseCache;
import io.beastmode.router.cache.semantic.SemanticCache;
import io.beastmode.router.cache.semantic.SemanticEntry;
import io.beastmode.router.cache.semantic.Verdict;
import io.beastmode.router.dialect.CanonicalRequest;
import io.beastmode.wire.AccessConfig;
import io.vertx.core.Future;

/**
 * One request's part in the semantic cache. After an exact miss it asks the cache what to make of
 * the last user turn: an entry's answer to serve, or the model's. Once the model has answered and
 * the answer is in the exact cache, the prompt joins the semantic cache; when the cache explored,
 * or only shadows, the model's answer is compared with the one the cache would have served, and
 * that label teaches every router of the region.
 */
final class SemanticStep {
  /** How long an answer served from the semantic cache takes feedback. */
  static final int FEEDBACK_SECONDS = 86_400;

  private final SemanticCache cache;
  private final ResponseCache answers;
  private final RouterMetrics metrics;
  private final String partition;
  private final String prompt;
  private final double maxWrongRate;
  private final boolean shadow;
  private final int capacity;
  private final int ttlSeconds;

  /**
   * The bound and mode a request is served under: the router's, narrowed by its key's. A key may
   * lower the bound, never raise it, and may ask for shadow mode, never leave it.
   */
  record Terms(double maxWrongRate, boolean shadow) {
    static Terms of(SemanticCacheSpec router, AccessConfig.Cache key) {
      if (key == null) {
        return new Terms(router.maxWrongRate, router.shadow);
      }
      return new Terms(
          key.maxWrongRate() == null
              ? router.maxWrongRate
              : Math.min(router.maxWrongRate, key.maxWrongRate()),
          router.shadow || Boolean.TRUE.equals(key.shadow()));
    }
  }

  /** What the cache made of the prompt; null before, or when the lookup failed. */
  private SemanticCache.Lookup lookup;

  private SemanticStep(
      SemanticCache cache,
      ResponseCache answers,
      RouterMetrics metrics,
      String partition,
      String prompt,
      double maxWrongRate,
      boolean shadow,
      int capacity,
      int ttlSeconds) {
    this.cache = cache;
    this.answers = answers;
    this.metrics = metrics;
    this.partition = partition;
    this.prompt = prompt;
    this.maxWrongRate = maxWrongRate;
    this.shadow = shadow;
    this.capacity = capacity;
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * The step for a request the exact cache missed; null when the semantic cache does not apply
   * (another mode, no cache here, or a last turn that is not text from the user).
   *
   * @param caller the key's caller, which may narrow the bound or ask for shadow mode; null when
   *     access is open
   */
  static SemanticStep of(
      SemanticCache cache,
      ResponseCache answers,
      RouterMetrics metrics,
      RoutingTable table,
      CanonicalRequest request,
      String tenant,
      Caller caller) {
    CacheSpec spec = table.config().cache();
    if (cache == null
        || spec.mode != io.beastmode.api.v1alpha1.CacheMode.semantic
        || request == null) {
      return null;
    }
    CanonicalRequest.SemanticSplit split = request.semanticSplit();
    if (split == null) {
      return null;
    }
    Terms terms = Terms.of(spec.semantic, caller == null ? null : caller.cache());
    // The exact cache's partitioning (router, config version, tenant) over the context.
    String key = CacheKey.ofCanonical(table.routerName(), table.version(), tenant, split.context());
    return new SemanticStep(
        cache,
        answers,
        metrics,
        key.substring(key.lastIndexOf(':') + 1),
        split.prompt(),
        terms.maxWrongRate(),
        terms.shadow(),
        spec.semantic.maxEntriesPerPartition,
        spec.ttlSeconds);
  }

  /**
   * The answer to serve from the semantic cache, or null to ask the model. Never fails: a cache
   * that cannot answer in time is a miss.
   */
  Future<CachedAnswer> lookUp() {
    return cache
        .lookup(partition, prompt, maxWrongRate, capacity)
        .compose(
            found -> {
              lookup = found;
              Verdict verdict = found.verdict();
              metrics.semantic(shadow && verdict == Verdict.serve ? "shadow" : verdict.name());
              if (verdict != Verdict.serve || shadow || found.entry() == null) {
                return Future.succeededFuture(null);
              }
              return answers
                  .get(found.entry().answerKey())
                  .map(
                      answer -> {
                        if (answer == null) {
                          // Its answer expired from the exact cache: the entry goes too.
                          cache.drop(found.entry());
                        }
                        return answer;
                      });
            })
        .otherwise(error -> null);
  }

  /** The entry whose answer was served; null when none was. */
  SemanticEntry served() {
    return lookup == null || shadow || lookup.verdict() != Verdict.serve ? null : lookup.entry();
  }

  /** Keeps which entry answered this request, so feedback on it labels the entry. */
  void servedAs(String requestId) {
    SemanticEntry entry = served();
    if (entry != null) {
      cache
          .store()
          .served(
              requestId, entry.id(), lookup.decision().candidate().similarity(), FEEDBACK_SECONDS);
    }
  }

  /**
   * The model's answer, now in the exact cache under {@code answerKey}: the prompt joins the
   * semantic cache, and an explored or shadowed entry is judged against it.
   */
  void answered(String answerKey, CachedAnswer fresh) {
    if (lookup == null) {
      // The lookup failed (a partition slow to load, the encoder busy): the prompt is kept all
      // the same, for the next one who asks it.
      cache
          .encode(prompt)
          .onSuccess(
              vector -> cache.remember(partition, prompt, vector, answerKey, ttlSeconds, capacity));
      return;
    }
    cache.remember(partition, prompt, lookup.vector(), answerKey, ttlSeconds, capacity);
    SemanticEntry candidate = lookup.entry();
    boolean compare =
        candidate != null
            && (lookup.verdict() == Verdict.explore
                || (shadow && lookup.verdict() == Verdict.serve));
    if (!compare) {
      return;
    }
    float similarity = lookup.decision().candidate().similarity();
    String freshText = CacheReplay.text(fresh);
    answers
        .get(candidate.answerKey())
        .compose(
            kept -> {
              String keptText = kept == null ? null : CacheReplay.text(kept);
              if (keptText == null || freshText == null) {
                return Future.succeededFuture(null);
              }
              return cache.agree(keptText, freshText);
            })
        .onSuccess(
            agreed -> {
              if (agreed == null) {
                return;
              }
              String source = lookup.verdict() == Verdict.explore ? "explore" : "shadow";
              metrics.semanticLabel(source, agreed);
              cache.label(candidate.id(), similarity, agreed);
            });
  }
}
