package io.beastmode.router;

import io.beastmode.router.select.policy.CandidatePolicy;
import io.beastmode.router.select.policy.OffPolicyEstimator;
import io.beastmode.router.select.policy.PolicyRouting;
import io.beastmode.router.upstream.Backends;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.LatencyHistogram;
import io.beastmode.wire.SelectionSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What a router counts, twice: as Micrometer meters at {@code /q/metrics} (Prometheus names {@code
 * beastmode_router_*}), and as plain cumulative totals its heartbeat publishes to Redis for the
 * operator. Meters are looked up once per tag combination and kept.
 */
public final class RouterMetrics {
  private final MeterRegistry registry;
  private final String region;
  private final DistributionSummary estimateRatio;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Gauge> circuitGauges = new ConcurrentHashMap<>();
  private final Map<String, ModelMeters> byModel = new ConcurrentHashMap<>();

  /**
   * The cache lookups' counters by result (see {@link #CACHE_RESULTS}), each made when first used.
   */
  private final AtomicReferenceArray<Counter> cacheResults =
      new AtomicReferenceArray<>(CACHE_RESULTS.size());

  private final Gauge inFlightGauge;
  private final Gauge learnedGauge;
  private final Gauge configRevisionGauge;
  private volatile java.util.function.LongSupplier configRevision = () -> 0;
  private volatile java.util.function.IntSupplier examplesLearned = () -> 0;
  private final Gauge unwrittenGauge;
  private volatile java.util.function.IntSupplier unwrittenSettlements = () -> 0;
  private volatile java.util.function.Supplier<PolicyRouting.Status> policies = () -> null;
  private volatile java.util.function.Supplier<SelectionSummary> selection = () -> null;
  private final List<Gauge> policyGauges = new java.util.ArrayList<>();

  /** The results a request's cache lookup ends with. */
  private static final List<String> CACHE_RESULTS = List.of("hit", "semantic", "miss", "bypass");

  final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder requests = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder cacheHits = new LongAdder();
  final LongAdder semanticHits = new LongAdder();
  private volatile io.beastmode.router.cache.semantic.SemanticCache semanticCache;
  private final List<Gauge> semanticGauges = new java.util.ArrayList<>();
  final LongAdder cacheMisses = new LongAdder();
  final LongAdder cacheBypasses = new LongAdder();
  final LongAdder cacheErrors = new LongAdder();
  final LongAdder fallbacks = new LongAdder();
  final LongAdder promptTokens = new LongAdder();
  final LongAdder completionTokens = new LongAdder();
  final DoubleAdder costUsd = new DoubleAdder();
  final DoubleAdder savedUsd = new DoubleAdder();
  final LatencyHistogram latency = new LatencyHistogram();

  public RouterMetrics(MeterRegistry registry, String region) {
    this.registry = registry;
    this.region = region;
    this.inFlightGauge =
        Gauge.builder("beastmode.router.inflight", inFlight, AtomicInteger::get)
            .description("Requests in flight on this router")
            .tag("region", region)
            .register(registry);
    this.configRevisionGauge =
        Gauge.builder("beastmode.router.config.revision", () -> configRevision.getAsLong())
            .description("Revision of the routing ConfigMap in force; 0 for files without one")
            .tag("region", region)
            .register(registry);
    this.learnedGauge =
        Gauge.builder("beastmode.router.learned.examples", () -> examplesLearned.getAsInt())
            .description("Labelled examples the learned selection's predictor learned from")
            .tag("region", region)
            .register(registry);
    this.unwrittenGauge =
        Gauge.builder(
                "beastmode.router.quota.unwritten.settlements",
                () -> unwrittenSettlements.getAsInt())
            .description(
                "Budgeted settlements kept to write again: Redis did not take them yet (their spend"
                    + " is missing from the budget until it does)")
            .tag("region", region)
            .register(registry);
    this.estimateRatio =
        DistributionSummary.builder("beastmode.router.quota.estimate.ratio")
            .description(
                "Settled cost over the cost reserved at admission, per keyed request with a budget")
            .tag("region", region)
            .publishPercentiles(0.5, 0.95)
            // Two significant digits (about 1%) where the default one rounds to about 6%.
            .percentilePrecision(2)
            .register(registry);
    // At zero from the start, so a rate or increase() counts from the first one on (a counter that
    // appears at 1 shows no increase).
    for (String reason : List.of("requests", "tokens", "insufficient_quota")) {
      quotaRefusals(reason);
    }
    quotaErrors();
    cacheErrors();
    retries();
    for (String source : OUTCOME_SOURCES) {
      selectionOutcomes(source);
    }
    for (boolean applied : new boolean[] {true, false}) {
      for (var source : RoutingConfigWatcher.Source.values()) {
        configReloads(applied, source);
      }
    }
    registerSemanticGauges();
    registerPolicyGauges();
  }

  /**
   * The learned policy's candidates: which one is in force, each one's estimated PGR and strong
   * share with their 95 % bounds, and the exploration spent. NaN before the learned policy runs.
   */
  private void registerPolicyGauges() {
    for (CandidatePolicy policy : CandidatePolicy.values()) {
      policyGauge(
          "beastmode.router.selection.policy.in.force",
          "1 for the candidate policy the learned selection follows",
          s -> s.inForce() == policy ? 1 : 0,
          policy,
          null);
      for (String bound : List.of("estimate", "low", "high")) {
        policyGauge(
            "beastmode.router.selection.policy.pgr",
            "Estimated PGR of a candidate policy on this router's traffic (inverse propensity"
                + " weighting), with its 95% bounds",
            s -> bound(s.estimates().get(policy).pgr(), bound),
            policy,
            bound);
        policyGauge(
            "beastmode.router.selection.policy.strong.share",
            "Share of decisions a candidate policy sends to the strong model, with its 95% bounds",
            s -> bound(s.estimates().get(policy).strongShare(), bound),
            policy,
            bound);
      }
    }
    policyGauge(
        "beastmode.router.selection.exploration.share",
        "Configured share of learned decisions drawn at random",
        PolicyRouting.Status::explorationShare,
        null,
        null);
    policyGauge(
        "beastmode.router.selection.decisions",
        "Learned decisions between the cheap and the strong model",
        PolicyRouting.Status::decisions,
        null,
        null);
    policyGauge(
        "beastmode.router.selection.explored",
        "Learned decisions whose action was drawn at random",
        PolicyRouting.Status::explored,
        null,
        null);
    policyGauge(
        "beastmode.router.selection.explored.off.policy",
        "Explored decisions whose action differed from the policy in force (the exploration's cost)",
        PolicyRouting.Status::exploredOffPolicy,
        null,
        null);
    policyGauge(
        "beastmode.router.selection.policy.outcomes",
        "Outcomes (feedback, upstream errors, retries, cut-off answers) the policy estimates rest on",
        PolicyRouting.Status::outcomes,
        null,
        null);
  }

  private void policyGauge(
      String name,
      String description,
      java.util.function.ToDoubleFunction<PolicyRouting.Status> value,
      CandidatePolicy policy,
      String bound) {
    Gauge.Builder<java.util.function.Supplier<Number>> gauge =
        Gauge.builder(
                name,
                () -> {
                  PolicyRouting.Status status = policies.get();
                  return status == null ? Double.NaN : value.applyAsDouble(status);
                })
            .description(description)
            .tag("region", region);
    if (policy != null) {
      gauge.tag("policy", policy.name());
    }
    if (bound != null) {
      gauge.tag("bound", bound);
    }
    policyGauges.add(gauge.register(registry));
  }

  private static double bound(OffPolicyEstimator.Interval interval, String bound) {
    return switch (bound) {
      case "low" -> interval.low();
      case "high" -> interval.high();
      default -> interval.estimate();
    };
  }

  /** The learned selection's policy figures (null without it). */
  public void watchPolicies(java.util.function.Supplier<PolicyRouting.Status> status) {
    this.policies = status;
  }

  /** What the heartbeat says of the learned selection (null without it). */
  public void watchSelection(java.util.function.Supplier<SelectionSummary> summary) {
    this.selection = summary;
  }

  /**
   * One model's meters (or those of "none" and "peer", as requests name who served them), found
   * once per call by the model's name instead of by a key built for each meter; each meter is made
   * when first used, as before.
   */
  private final class ModelMeters {
    private final String model;

    /** Requests answered, by status class (1xx to 5xx) and cache result. */
    private final AtomicReferenceArray<Counter> requests =
        new AtomicReferenceArray<>(5 * CACHE_RESULTS.size());

    /** Latency, upstream latency; prompt, completion tokens; cost, saved USD. */
    private final AtomicReferenceArray<Meter> meters = new AtomicReferenceArray<>(6);

    ModelMeters(String model) {
      this.model = model;
    }

    Counter requests(int status, String cache) {
      int statusClass = status / 100;
      int result = CACHE_RESULTS.indexOf(cache);
      if (statusClass < 1 || statusClass > 5 || result < 0) {
        return requestCounter(statusClass + "xx", cache);
      }
      int index = (statusClass - 1) * CACHE_RESULTS.size() + result;
      Counter counter = requests.get(index);
      if (counter == null) {
        counter = requestCounter(statusClass + "xx", cache);
        requests.set(index, counter);
      }
      return counter;
    }

    private Counter requestCounter(String statusClass, String cache) {
      return counter(
          "beastmode.router.requests",
          "Requests answered",
          model + "/" + statusClass + "/" + cache,
          "model",
          model,
          "status",
          statusClass,
          "cache",
          cache);
    }

    Timer latency() {
      return meter(
          0,
          () ->
              timer(
                  "beastmode.router.latency",
                  "Time from request to the end of the answer",
                  model,
                  "model",
                  model));
    }

    Timer upstreamLatency() {
      return meter(
          1,
          () ->
              timer(
                  "beastmode.router.upstream.latency",
                  "Time from upstream call to its first byte",
                  model,
                  "model",
                  model));
    }

    Counter tokens(boolean prompt) {
      String kind = prompt ? "prompt" : "completion";
      return meter(
          prompt ? 2 : 3,
          () ->
              counter(
                  "beastmode.router.tokens",
                  "Tokens by model and kind",
                  model + "/" + kind,
                  "model",
                  model,
                  "kind",
                  kind));
    }

    Counter cost() {
      return meter(
          4,
          () ->
              counter(
                  "beastmode.router.cost.usd",
                  "USD spent on upstream calls",
                  model,
                  "model",
                  model));
    }

    Counter saved() {
      return meter(
          5,
          () ->
              counter(
                  "beastmode.router.saved.usd",
                  "USD saved against the most expensive eligible model",
                  model,
                  "model",
                  model));
    }

    /** The meter in slot {@code index}; made (once: the registry keeps it) on first use. */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M meter(int index, Supplier<M> make) {
      Meter meter = meters.get(index);
      if (meter == null) {
        meter = make.get();
        meters.set(index, meter);
      }
      return (M) meter;
    }
  }

  private ModelMeters model(String model) {
    ModelMeters meters = byModel.get(model);
    return meters != null ? meters : byModel.computeIfAbsent(model, ModelMeters::new);
  }

  /** Examples the learned selection's current predictor learned from (0 without it). */
  public void watchLearning(java.util.function.IntSupplier examplesLearned) {
    this.examplesLearned = examplesLearned;
  }

  public void watchUnwrittenSettlements(java.util.function.IntSupplier kept) {
    this.unwrittenSettlements = kept;
  }

  /**
   * Removes every meter this router registered. Gauges read this router's objects, and a registry
   * that outlives it (the global one, when the application restarts in the same JVM, as tests do)
   * would otherwise keep reading them.
   */
  public void close() {
    registry.remove(learnedGauge);
    registry.remove(configRevisionGauge);
    registry.remove(unwrittenGauge);
    policyGauges.forEach(registry::remove);
    semanticGauges.forEach(registry::remove);
    registry.remove(inFlightGauge);
    registry.remove(estimateRatio);
    counters.values().forEach(registry::remove);
    timers.values().forEach(registry::remove);
    circuitGauges.values().forEach(registry::remove);
  }

  /** Counts a request in flight unless that would pass the limit; the bulkhead of the router. */
  public boolean tryAdmit(int limit) {
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A request refused by the in-flight limit (429). */
  public void rejected() {
    requests.increment();
    errors.increment();
    model("none").requests(429, "bypass").increment();
  }

  /**
   * A request admitted by {@link #tryAdmit} answered: status, the model ("none" when none did),
   * cache result.
   */
  public void requestFinished(String model, int status, String cache, long nanos) {
    inFlight.decrementAndGet();
    requests.increment();
    if (status >= 500 || status == 429) {
      errors.increment();
    }
    latency.record(nanos / 1_000_000);
    ModelMeters meters = model(model);
    meters.requests(status, cache).increment();
    meters.latency().record(nanos, TimeUnit.NANOSECONDS);
  }

  public void upstreamLatency(String model, long nanos) {
    model(model).upstreamLatency().record(nanos, TimeUnit.NANOSECONDS);
  }

  public void cache(String result) {
    switch (result) {
      case "hit" -> cacheHits.increment();
      case "semantic" -> {
        // A hit as far as the SLOs go; told apart for the semantic cache's own figures.
        cacheHits.increment();
        semanticHits.increment();
      }
      case "miss" -> cacheMisses.increment();
      default -> cacheBypasses.increment();
    }
    int index = CACHE_RESULTS.indexOf(result);
    Counter counter = index < 0 ? null : cacheResults.get(index);
    if (counter == null) {
      counter =
          counter("beastmode.router.cache", "Cache lookups by result", result, "result", result);
      if (index >= 0) {
        cacheResults.set(index, counter);
      }
    }
    counter.increment();
  }

  /**
   * What the semantic cache made of a prompt the exact cache missed: serve, explore (ask the model
   * and compare), miss, or shadow (would have served, under shadow mode).
   */
  public void semantic(String verdict) {
    semanticCounter(verdict).increment();
  }

  private Counter semanticCounter(String verdict) {
    return counter(
        "beastmode.router.cache.semantic",
        "Semantic cache decisions on exact misses: serve, explore, miss, shadow (would serve)",
        "verdict-" + verdict,
        "verdict",
        verdict);
  }

  /**
   * A label the semantic cache learned from this router: whether the model's answer agreed with the
   * cached one it was compared with (explore, shadow) or the client's feedback on a served one.
   */
  public void semanticLabel(String source, boolean agreed) {
    semanticLabels(source, agreed).increment();
  }

  private Counter semanticLabels(String source, boolean agreed) {
    return counter(
        "beastmode.router.cache.semantic.labels",
        "Answers compared with the semantic cache's candidate, by source and agreement",
        "label-" + source + "-" + agreed,
        "source",
        source,
        "agreed",
        Boolean.toString(agreed));
  }

  /**
   * The semantic cache whose size the gauges report; they read 0 until one starts (and stay at 0 on
   * a router without it).
   */
  public void watchSemantic(io.beastmode.router.cache.semantic.SemanticCache cache) {
    semanticCache = cache;
  }

  private void registerSemanticGauges() {
    semanticGauge(
        "beastmode.router.cache.semantic.encoder.ready",
        "1 once the semantic cache's prompt encoder has loaded; until then it misses",
        c -> c.encoderReady() ? 1 : 0);
    semanticGauge(
        "beastmode.router.cache.semantic.entries",
        "Semantic cache entries in this router's memory",
        c -> c.entries());
    semanticGauge(
        "beastmode.router.cache.semantic.partitions",
        "Semantic cache partitions loaded in this router",
        c -> c.partitions());
    semanticGauge(
        "beastmode.router.cache.semantic.bytes",
        "Memory the semantic cache's indexes and entries hold, estimated",
        c -> c.bytes());
    semanticGauge(
        "beastmode.router.cache.semantic.changes.read",
        "Changes (entries added and removed, labels) read from the region's semantic cache stream:"
            + " behind the stream's length means this router lags the others",
        c -> c.changesRead());
    semanticGauge(
        "beastmode.router.cache.semantic.labels.learned",
        "Labels the semantic cache learned, from every router of the region",
        c -> c.labels());
    for (String verdict : List.of("serve", "explore", "miss", "shadow")) {
      semanticCounter(verdict);
    }
    for (String source : List.of("explore", "shadow", "feedback")) {
      semanticLabels(source, true);
      semanticLabels(source, false);
    }
  }

  private void semanticGauge(
      String name,
      String description,
      java.util.function.ToDoubleFunction<io.beastmode.router.cache.semantic.SemanticCache> value) {
    semanticGauges.add(
        Gauge.builder(
                name,
                this,
                metrics ->
                    metrics.semanticCache == null ? 0 : value.applyAsDouble(metrics.semanticCache))
            .description(description)
            .tag("region", region)
            .register(registry));
  }

  public void cacheError() {
    cacheErrors.increment();
    cacheErrors().increment();
  }

  private Counter cacheErrors() {
    return counter(
        "beastmode.router.cache.errors",
        "Cache operations that failed or timed out (served without cache)",
        "errors");
  }

  /** A keyed request refused by its limits ({@code requests}, {@code tokens}) or its budget. */
  public void quotaRefused(String reason) {
    quotaRefusals(reason).increment();
  }

  private Counter quotaRefusals(String reason) {
    return counter(
        "beastmode.router.quota.refusals",
        "Keyed requests refused with 429 by their key's limits or budget",
        reason,
        "reason",
        reason);
  }

  public void quotaError() {
    quotaErrors().increment();
  }

  private Counter quotaErrors() {
    return counter(
        "beastmode.router.quota.errors",
        "Quota checks or settlements that failed (admitted without a check)",
        "errors");
  }

  /** How the cost estimated at admission compares with the settled cost: settled / estimated. */
  public void quotaEstimate(long estimatedNanoUsd, long settledNanoUsd) {
    if (estimatedNanoUsd <= 0) {
      return;
    }
    estimateRatio.record((double) settledNanoUsd / estimatedNanoUsd);
  }

  public void tokens(String model, long prompt, long completion) {
    promptTokens.add(prompt);
    completionTokens.add(completion);
    ModelMeters meters = model(model);
    meters.tokens(true).increment(prompt);
    meters.tokens(false).increment(completion);
  }

  /** USD spent on an answer and USD saved against the most expensive eligible model. */
  public void cost(String model, double usd, double saved) {
    costUsd.add(usd);
    savedUsd.add(saved);
    ModelMeters meters = model(model);
    meters.cost().increment(usd);
    meters.saved().increment(saved);
  }

  public void fallback(String from, String to, String reason) {
    fallbacks.increment();
    counter(
            "beastmode.router.fallbacks",
            "Moves to the next model or region after a failure",
            from + ">" + to + ">" + reason,
            "from",
            from,
            "to",
            to,
            "reason",
            reason)
        .increment();
  }

  public void retry() {
    retries().increment();
  }

  /** Where the learned selection's outcomes come from. */
  static final List<String> OUTCOME_SOURCES = List.of("feedback", "failure", "retry", "cutoff");

  /** An outcome this router added to the learned selection's examples, by its source. */
  public void selectionOutcome(String source) {
    selectionOutcomes(source).increment();
  }

  private Counter selectionOutcomes(String source) {
    return counter(
        "beastmode.router.selection.outcomes",
        "Outcomes this router added for learned decisions: feedback, upstream failures, retries,"
            + " answers the client cut off",
        source,
        "source",
        source);
  }

  private Counter retries() {
    return counter(
        "beastmode.router.retries", "Upstream calls retried on the same backend", "retries");
  }

  /** A changed config applied or rejected, taken from the mounted files or from Redis's push. */
  public void configReload(boolean applied, RoutingConfigWatcher.Source source) {
    configReloads(applied, source).increment();
  }

  private Counter configReloads(boolean applied, RoutingConfigWatcher.Source source) {
    String result = applied ? "applied" : "rejected";
    return counter(
        "beastmode.router.config.reloads",
        "Routing config changes seen",
        result + "/" + source,
        "result",
        result,
        "source",
        source.name());
  }

  /** The revision of the routing ConfigMap in force (0 for files without one). */
  public void watchConfigRevision(java.util.function.LongSupplier configRevision) {
    this.configRevision = configRevision;
  }

  /** Registers a gauge per backend: 0 closed, 1 half-open, 2 open. */
  public void watchCircuits(Backends backends) {
    for (String key : backends.all().keySet()) {
      circuitGauges.computeIfAbsent(
          key,
          k ->
              Gauge.builder("beastmode.router.circuit.state", backends, b -> circuitValue(b, k))
                  .description("Circuit breaker per backend: 0 closed, 1 half-open, 2 open")
                  .tags("region", region, "backend", k)
                  .register(registry));
    }
  }

  private static double circuitValue(Backends backends, String key) {
    var backend = backends.all().get(key);
    if (backend == null) {
      return Double.NaN;
    }
    CircuitBreakerState state = backend.circuitState();
    return state == CircuitBreakerState.OPEN ? 2 : state == CircuitBreakerState.HALF_OPEN ? 1 : 0;
  }

  private Counter counter(String name, String description, String key, String... tags) {
    return counters.computeIfAbsent(
        name + "|" + key,
        k ->
            Counter.builder(name)
                .description(description)
                .tag("region", region)
                .tags(tags)
                .register(registry));
  }

  private Timer timer(String name, String description, String key, String... tags) {
    return timers.computeIfAbsent(
        name + "|" + key,
        k ->
            Timer.builder(name)
                .description(description)
                .tag("region", region)
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry));
  }

  /** A copy of the totals for one heartbeat. */
  public Heartbeat heartbeat(RoutingTable table, String pod, long startedAt, long now) {
    return new Heartbeat(
        table.routerName(),
        region,
        pod,
        table.version(),
        table.trafficVersion(),
        startedAt,
        now,
        requests.sum(),
        errors.sum(),
        cacheHits.sum(),
        cacheMisses.sum(),
        cacheBypasses.sum(),
        cacheErrors.sum(),
        fallbacks.sum(),
        inFlight.get(),
        promptTokens.sum(),
        completionTokens.sum(),
        costUsd.sum(),
        savedUsd.sum(),
        LatencyHistogram.BOUNDS_MS,
        latency.counts(),
        semanticHits.sum(),
        selection.get());
  }
}
