package io.beastmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.testing.EmbeddedApiServerResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged application in the operator role with leader election on, as the Helm chart sets it:
 * quarkus-operator-sdk picks up the election and the operator takes the lease before it reconciles.
 */
@QuarkusTest
@TestProfile(LeaderElectedOperatorRoleTest.LeaderElected.class)
@QuarkusTestResource(value = EmbeddedApiServerResource.class, restrictToAnnotatedClass = true)
class LeaderElectedOperatorRoleTest {

  /**
   * The chart's settings; quarkus-operator-sdk elects only in the profiles named here (prod by
   * default).
   */
  public static class LeaderElected implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.operator-sdk.activate-leader-election-for-profiles", "test,prod",
          "beastmode.leader-election.enabled", "true",
          "beastmode.leader-election.lease-namespace", "default");
    }
  }

  @Test
  void theOperatorHoldsTheLease() {
    var client = EmbeddedApiServerResource.server().client();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var lease =
                  client
                      .resources(Lease.class)
                      .inNamespace("default")
                      .withName("beast-mode-operator")
                      .get();
              assertThat(lease).isNotNull();
              assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
            });
  }
}
