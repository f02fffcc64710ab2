package io.beastmode.operator.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.ApiKeyStatus;
import io.beastmode.api.v1alpha1.BudgetScope;
import io.beastmode.api.v1alpha1.KeyBudget;
import io.beastmode.api.v1alpha1.KeyCache;
import io.beastmode.api.v1alpha1.KeyLimits;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.testing.Fixtures;
import io.beastmode.wire.AccessConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void anOpenRouterTakesNoKeys() {
    var router = router();
    router.getSpec().access.mode = AccessMode.open;
    assertThat(AccessRules.of(router, List.of(key("a", "chat", "h1")), NOW))
        .isEqualTo(AccessConfig.OPEN);
  }

  @Test
  void onlyKeysNamingTheRouterWithAValueAreTaken() {
    var mine = key("a", "chat", "h1");
    var other = key("b", "search", "h2");
    var noValueYet = key("c", "chat", null);
    var access = AccessRules.of(router(), List.of(mine, other, noValueYet), NOW);
    assertThat(access.mode()).isEqualTo(AccessMode.keys);
    assertThat(access.keys()).extracting(AccessConfig.Key::sha256).containsExactly("h1");
    assertThat(access.keys().get(0).apiKey()).isEqualTo("shop/a");
    assertThat(access.keys().get(0).tenant()).isEqualTo("tenant-a");
  }

  @Test
  void aValueInGraceEndsAtItsGraceOrTheKeysExpiryWhicheverComesFirst() {
    var key = key("a", "chat", "h2");
    key.getStatus().previousKeyHash = "h1";
    key.getStatus().previousValidUntil = "2026-11-27T11:00:00Z";
    key.getSpec().expiresAt = "2026-11-27T10:30:00Z";
    var access = AccessRules.of(router(), List.of(key), NOW);
    assertThat(access.keys()).extracting(AccessConfig.Key::sha256).containsExactly("h2", "h1");
    assertThat(access.keys())
        .extracting(AccessConfig.Key::notAfter)
        .containsOnly("2026-11-27T10:30:00Z");

    key.getStatus().previousValidUntil = "2026-11-27T09:00:00Z";
    assertThat(AccessRules.of(router(), List.of(key), NOW).keys())
        .extracting(AccessConfig.Key::sha256)
        .containsExactly("h2");
  }

  @Test
  void anExpiredKeyIsLeftOutEvenWithAnOffsetTime() {
    var key = key("a", "chat", "h1");
    key.getSpec().expiresAt = "2026-11-27T10:30:00+02:00";
    assertThat(AccessRules.of(router(), List.of(key), NOW).keys()).isEmpty();
  }

  @Test
  void aKeysLimitsAndBudgetReachTheRoutersAndAKeyWithoutThemHasNoQuota() {
    var limited = key("a", "chat", "h1");
    limited.getSpec().limits = new KeyLimits();
    limited.getSpec().limits.requestsPerMinute = 60;
    limited.getSpec().budget = new KeyBudget();
    limited.getSpec().budget.usdPerDay = 2.5;
    limited.getSpec().budget.scope = BudgetScope.Tenant;
    var free = key("b", "chat", "h2");
    var keys = AccessRules.of(router(), List.of(limited, free), NOW).keys();
    assertThat(keys.get(0).quota())
        .isEqualTo(new AccessConfig.Quota(60, null, 2.5, null, null, true, null));
    assertThat(keys.get(1).quota()).isNull();
  }

  @Test
  void aBudgetWithoutItsOwnLedgerOutageAllowanceTakesTheRoutersAndAKeysOwnWins() {
    var router = router();
    router.getSpec().access.localAllowanceUsd = 0.5;
    var inherits = key("a", "chat", "h1");
    inherits.getSpec().budget = new KeyBudget();
    inherits.getSpec().budget.usdPerDay = 10.0;
    var closed = key("b", "chat", "h2");
    closed.getSpec().budget = new KeyBudget();
    closed.getSpec().budget.usdPerDay = 10.0;
    closed.getSpec().budget.localAllowanceUsd = 0.0;
    var own = key("c", "chat", "h3");
    own.getSpec().budget = new KeyBudget();
    own.getSpec().budget.usdPerDay = 10.0;
    own.getSpec().budget.localAllowanceUsd = 0.2;

    var keys = AccessRules.of(router, List.of(inherits, closed, own), NOW).keys();

    assertThat(keys.get(0).quota().localAllowanceUsd()).as("the router's").isEqualTo(0.5);
    assertThat(keys.get(1).quota().localAllowanceUsd()).as("fails closed").isEqualTo(0.0);
    assertThat(keys.get(2).quota().localAllowanceUsd()).as("its own").isEqualTo(0.2);
    assertThat(AccessRules.of(router(), List.of(inherits), NOW).keys().get(0).quota())
        .as("neither sets one: fail closed")
        .extracting(AccessConfig.Quota::localAllowanceUsd)
        .isNull();
  }

  @Test
  void aKeysSemanticCacheSettingsReachTheRouters() {
    var careful = key("a", "chat", "h1");
    careful.getSpec().cache = new KeyCache();
    careful.getSpec().cache.maxWrongRate = 0.001;
    careful.getSpec().cache.shadow = true;
    var keys = AccessRules.of(router(), List.of(careful, key("b", "chat", "h2")), NOW).keys();
    assertThat(keys.get(0).cache()).isEqualTo(new AccessConfig.Cache(0.001, true));
    assertThat(keys.get(1).cache()).isNull();
  }

  private static LLMRouter router() {
    return Fixtures.router("shop", "chat", List.of("hosted"), "local");
  }

  private static ApiKey key(String name, String router, String keyHash) {
    var key = new ApiKey();
    key.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
    var spec = new ApiKeySpec();
    spec.routers = List.of(new NamedReference(router));
    spec.tenant = "tenant-" + name;
    key.setSpec(spec);
    var status = new ApiKeyStatus();
    status.keyHash = keyHash;
    key.setStatus(status);
    return key;
  }
}
