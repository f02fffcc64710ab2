package io.beastmode.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.ModelUpstream;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.RoutingConfig;
import io.beastmode.wire.TrafficConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable snapshot of what a router serves: its routing config with every default filled in,
 * the config's version, and the peer regions. A request holds the snapshot it started with, so a
 * reload never changes a request half-way.
 *
 * @param version {@link ConfigYaml#version} of the routing file; partitions the cache
 * @param trafficVersion {@link ConfigYaml#version} of the traffic file, published in heartbeats
 */
public record RoutingTable(
    RoutingConfig config,
    String version,
    Map<String, ModelRoute> models,
    TrafficConfig traffic,
    String trafficVersion) {

  public static RoutingTable parse(String routingYaml, String trafficYaml)
      throws JsonProcessingException {
    RoutingConfig read = ConfigYaml.read(routingYaml, RoutingConfig.class);
    if (read == null || read.models() == null || read.models().isEmpty()) {
      throw new IllegalArgumentException("the routing config lists no models");
    }
    Map<String, ModelRoute> byName = new LinkedHashMap<>();
    for (ModelRoute listed : read.models()) {
      ModelRoute model = withDefaults(listed);
      if (byName.put(model.name(), model) != null) {
        throw new IllegalArgumentException("model " + model.name() + " is listed twice");
      }
    }
    RoutingConfig config =
        new RoutingConfig(
            read.router(),
            read.region(),
            List.copyOf(byName.values()),
            Objects.requireNonNullElseGet(read.selection(), SelectionSpec::new),
            Objects.requireNonNullElseGet(read.cache(), CacheSpec::new),
            Objects.requireNonNullElseGet(read.fallback(), FallbackSpec::new),
            Objects.requireNonNullElseGet(read.circuitBreaker(), CircuitBreakerSpec::new),
            Objects.requireNonNullElseGet(read.limits(), RouterPodSpec::new));
    for (String fallback : config.fallback().chain) {
      if (!byName.containsKey(fallback)) {
        throw new IllegalArgumentException(
            "fallback model " + fallback + " is not in the routing config");
      }
    }
    TrafficConfig traffic =
        trafficYaml == null || trafficYaml.isBlank()
            ? null
            : ConfigYaml.read(trafficYaml, TrafficConfig.class);
    if (traffic == null || traffic.peers() == null) {
      traffic = new TrafficConfig(List.of(), traffic != null && traffic.degraded());
    }
    return new RoutingTable(
        config,
        ConfigYaml.version(routingYaml),
        Map.copyOf(byName),
        traffic,
        ConfigYaml.version(trafficYaml));
  }

  /** A model as written by hand may leave out what the operator always renders. */
  private static ModelRoute withDefaults(ModelRoute model) {
    if (model.name() == null || model.baseUrl() == null) {
      throw new IllegalArgumentException("every model needs a name and a baseUrl");
    }
    if (model.contextWindow() <= 0) {
      throw new IllegalArgumentException(
          "model " + model.name() + " needs a contextWindow above 0");
    }
    return new ModelRoute(
        model.name(),
        model.pool(),
        model.upstreamModel() == null ? model.name() : model.upstreamModel(),
        model.baseUrl(),
        model.apiKeyEnv(),
        model.inputPerMillion(),
        model.outputPerMillion(),
        model.quality(),
        model.domainQuality(),
        model.contextWindow(),
        model.maxOutputTokens(),
        model.capabilities() == null ? new ModelCapabilities() : model.capabilities(),
        model.upstream() == null ? new ModelUpstream() : model.upstream(),
        model.cacheReadPerMillion(),
        model.cacheWritePerMillion());
  }

  /** The LLMRouter this table was rendered from, "local" for a file written by hand without one. */
  public String routerName() {
    return config.router() == null ? "local" : config.router();
  }

  /** The region the config names, "local" when it names none. */
  public String regionName() {
    return config.region() == null ? "local" : config.region();
  }

  /**
   * How aliases choose a model: the configured way, or by latency while an SLO's DegradeModel
   * action is in force (quality floor and price cap still hold).
   */
  public SelectionSpec selection() {
    if (!traffic.degraded()) {
      return config.selection();
    }
    var configured = config.selection();
    var degraded = new SelectionSpec();
    degraded.policy = SelectionPolicy.latency;
    degraded.qualityFloor = configured.qualityFloor;
    degraded.maxOutputPricePerMillion = configured.maxOutputPricePerMillion;
    degraded.weights = configured.weights;
    degraded.aliases = configured.aliases;
    return degraded;
  }

  public boolean isAlias(String model) {
    return config.selection().aliases.contains(model);
  }

  /** Models in the order of the config, the order ties are broken in. */
  public List<ModelRoute> modelList() {
    return config.models();
  }

  /** Peers that take traffic, most weight first. */
  public List<TrafficConfig.Peer> usablePeers() {
    return traffic.peers().stream()
        .filter(p -> p.weight() > 0 && p.url() != null)
        .sorted((a, b) -> Integer.compare(b.weight(), a.weight()))
        .toList();
  }
}
