package io.beastmode.router.cache;

import io.beastmode.api.v1alpha1.CacheMode;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.router.api.CompletionRequest;

/**
 * Whether a request may be answered from, and stored in, the cache. Bypassed: cache off; the client
 * sent {@code cache-control: no-cache} or {@code no-store}; an explicit temperature above 0
 * (sampled answers differ on purpose) unless the config caches those; tools unless the config
 * caches those. A request without a temperature is cacheable: the client asked for no particular
 * variety.
 */
public enum CacheDecision {
  use,
  bypass;

  public static CacheDecision of(CacheSpec spec, CompletionRequest request, String cacheControl) {
    if (spec.mode == CacheMode.off) {
      return bypass;
    }
    if (cacheControl != null) {
      String directives = cacheControl.toLowerCase(java.util.Locale.ROOT);
      if (directives.contains("no-cache") || directives.contains("no-store")) {
        return bypass;
      }
    }
    if (request.temperature() != null
        && request.temperature() > 0
        && !spec.cacheNonZeroTemperature) {
      return bypass;
    }
    if (request.hasTools() && !spec.cacheToolRequests) {
      return bypass;
    }
    return use;
  }
}
