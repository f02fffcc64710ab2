package io.beastmode.operator.access;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeyStatus;
import io.beastmode.api.v1alpha1.BudgetScope;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.Events;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.wire.Digests;
import io.beastmode.wire.QuotaKeys.Budget;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps each ApiKey's value in a Secret beside it and its hashes in status, where the LLMRouter
 * controller reads them for the routers' keys files. The value is never logged and never leaves the
 * Secret. Annotation changes (a rotation) matter, so every change of the key wakes it up.
 */
@ControllerConfiguration(name = "apikey", generationAwareEventProcessing = false)
public class ApiKeyReconciler implements Reconciler<ApiKey> {
  /**
   * Refreshes the key's use in status, and restores a deleted Secret; expiry and grace ends wake it
   * up on time.
   */
  static final Duration RECHECK = Duration.ofMinutes(1);

  static final String COMPONENT = "api-key";

  private final Clock clock;
  private final Conditions conditions;
  private final Events events;
  private final KeyUsageReader usage;
  private final RegionalAllowances allowances;
  private final RegionClients clients;

  public ApiKeyReconciler(RegionClients clients, RegionRedisClients redis, Clock clock) {
    this.clients = clients;
    this.clock = clock;
    this.usage = new KeyUsageReader(redis);
    this.allowances = new RegionalAllowances(redis);
    this.conditions = new Conditions(clock);
    this.events = new Events(clients.hub(), clock);
  }

  @Override
  public List<EventSource<?, ApiKey>> prepareEventSources(EventSourceContext<ApiKey> context) {
    return ApiKeyEventSources.all(context);
  }

  @Override
  public UpdateControl<ApiKey> reconcile(ApiKey key, Context<ApiKey> context) {
    if (RestoreHold.held(key)) {
      return UpdateControl.<ApiKey>noUpdate().rescheduleAfter(RestoreHold.RECHECK);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    var client = context.getClient();
    String secretName = secretName(key);
    var decision = KeyRotation.decide(key, secretHash(client, key, secretName), now);
    String keyHash = decision.keyHash();
    if (decision.newValue()) {
      String value = KeyValues.generate();
      client
          .resource(secret(key, secretName, value))
          .fieldManager(ManagedObjects.FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
      keyHash = Digests.sha256Hex(value);
      if (decision.previousKeyHash() != null) {
        events.normal(
            key,
            "KeyRotated",
            "new value in Secret "
                + secretName
                + "; the previous one works until "
                + Timestamps.format(decision.previousValidUntil()));
      }
    }
    var status = status(key, secretName, keyHash, decision, now);
    var regions = ApiKeyEventSources.regions(context, key);
    var previousUsage = key.getStatus() == null ? null : key.getStatus().usage;
    status.usage = usage.read(key, regions, previousUsage, now);
    splitBudget(key, context, regions, status, now);
    status.lastUsedAt =
        status.usage.stream()
            .map(u -> u.lastUsedAt)
            .filter(at -> at != null)
            .max(Comparator.comparing(Timestamps::parse))
            .orElse(null);
    return StatusPatch.ifChanged(key, status, context).rescheduleAfter(nextCheck(key, status, now));
  }

  /**
   * A budget that several regions share is split into regional allowances by the key that owns it
   * (a tenant's budget: the first of its keys by name), so that one split moves it at a time.
   */
  private void splitBudget(
      ApiKey key, Context<ApiKey> context, List<Region> regions, ApiKeyStatus status, Instant now) {
    var withRedis = regions.stream().filter(r -> r.getSpec().redis != null).toList();
    if (key.getSpec().budget == null || withRedis.size() < 2) {
      return;
    }
    status.budgetRegions = withRedis.size();
    // A split writes every region's allowance: only while this hub may write to all of them.
    if (!ownsBudget(key, context)
        || !withRedis.stream().allMatch(r -> clients.mayWriteRedis(r.getMetadata().getName()))) {
      return;
    }
    String day = Budget.USD_PER_DAY.period(now);
    var previous = key.getStatus();
    // Allowances seen on another day say nothing of today's (months change on a new day too).
    var seen = previous != null && day.equals(previous.allowanceDay) ? previous.usage : null;
    var inForce = allowances.rebalance(key, withRedis, seen, now);
    status.allowanceDay = day;
    for (var entry : status.usage) {
      var region = inForce.get(entry.region);
      if (region != null) {
        entry.usdTodayAllowance = usd(region.get(Budget.USD_PER_DAY));
        entry.usdThisMonthAllowance = usd(region.get(Budget.USD_PER_MONTH));
        entry.tokensTodayAllowance = region.get(Budget.TOKENS_PER_DAY);
      }
    }
  }

  private static boolean ownsBudget(ApiKey key, Context<ApiKey> context) {
    if (key.getSpec().budget.scope != BudgetScope.Tenant) {
      return true;
    }
    String first =
        context
            .getPrimaryCache()
            .list(key.getMetadata().getNamespace())
            .filter(k -> key.getSpec().tenant.equals(k.getSpec().tenant))
            .filter(
                k -> k.getSpec().budget != null && k.getSpec().budget.scope == BudgetScope.Tenant)
            .map(k -> k.getMetadata().getName())
            .min(String::compareTo)
            .orElse(key.getMetadata().getName());
    return first.equals(key.getMetadata().getName());
  }

  private static Double usd(Long nano) {
    return nano == null ? null : nano / 1e9;
  }

  private ApiKeyStatus status(
      ApiKey key, String secretName, String keyHash, KeyRotation.Decision decision, Instant now) {
    var previous = key.getStatus();
    var status = new ApiKeyStatus();
    status.observedGeneration = key.getMetadata().getGeneration();
    status.secretName = secretName;
    status.keyHash = keyHash;
    status.previousKeyHash = decision.previousKeyHash();
    status.previousValidUntil =
        decision.previousValidUntil() == null
            ? null
            : Timestamps.format(decision.previousValidUntil());
    var annotations = key.getMetadata().getAnnotations();
    status.rotation = annotations == null ? null : annotations.get(ApiKey.ROTATE_ANNOTATION);
    status.createdAt =
        decision.newValue() || previous == null ? Timestamps.format(now) : previous.createdAt;
    String expiresAt = key.getSpec().expiresAt;
    var ready =
        expiresAt != null && !Timestamps.parse(expiresAt).isAfter(now)
            ? Conditions.ready(ConditionStatus.False, "Expired", "expired at " + expiresAt)
            : Conditions.ready(
                ConditionStatus.True,
                "Active",
                "opens "
                    + key.getSpec().routers.stream()
                        .map(r -> r.name)
                        .collect(Collectors.joining(", "))
                    + " for tenant "
                    + key.getSpec().tenant);
    conditions.set(status, previous, status.observedGeneration, ready);
    return status;
  }

  /** The soonest of the key's expiry, the end of the previous value's grace, and the recheck. */
  private static Duration nextCheck(ApiKey key, ApiKeyStatus status, Instant now) {
    return Stream.of(key.getSpec().expiresAt, status.previousValidUntil)
        .filter(at -> at != null)
        .map(at -> Duration.between(now, Timestamps.parse(at)))
        .filter(until -> !until.isNegative())
        .map(until -> until.plusMillis(50))
        .reduce(RECHECK, (a, b) -> a.compareTo(b) <= 0 ? a : b);
  }

  static String secretName(ApiKey key) {
    return key.getMetadata().getName() + "-api-key";
  }

  /** SHA-256 of the value the Secret holds, or null when there is no Secret or no value. */
  private static String secretHash(KubernetesClient client, ApiKey key, String secretName) {
    Secret secret =
        client.secrets().inNamespace(key.getMetadata().getNamespace()).withName(secretName).get();
    String encoded =
        secret == null || secret.getData() == null ? null : secret.getData().get(ApiKey.SECRET_KEY);
    if (encoded == null || encoded.isBlank()) {
      return null;
    }
    return Digests.sha256Hex(
        new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
  }

  /** The key's Secret, owned by the ApiKey so that deleting the key deletes its value. */
  private static Secret secret(ApiKey key, String name, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(key.getMetadata().getNamespace())
        .withLabels(
            Map.of(
                ManagedLabels.MANAGED_BY_KEY,
                ManagedLabels.MANAGED_BY,
                ManagedLabels.COMPONENT_KEY,
                COMPONENT))
        .withOwnerReferences(ManagedLabels.controlledBy(key))
        .endMetadata()
        .withType("Opaque")
        .withData(
            Map.of(
                ApiKey.SECRET_KEY,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
        .build();
  }
}
