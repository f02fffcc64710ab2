package io.beastmode.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionSpec;
import java.util.List;

/**
 * Everything a router needs to serve one region: the models it may call there with their prices and
 * quality, the selection policy, cache, fallback and circuit breaker settings. The operator renders
 * it into the routing ConfigMap; a router started by hand reads the same file.
 *
 * @param router the LLMRouter it was rendered from, as namespace/name
 * @param region the region these routers serve
 * @param models models reachable from the region, in pool order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingConfig(
    String router,
    String region,
    List<ModelRoute> models,
    SelectionSpec selection,
    CacheSpec cache,
    FallbackSpec fallback,
    CircuitBreakerSpec circuitBreaker,
    RouterPodSpec limits) {}
