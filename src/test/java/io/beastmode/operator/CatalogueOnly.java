package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;

/** For the recorders' tests: meters they register must be declared in {@link OperatorMeters}. */
public final class CatalogueOnly {
  private CatalogueOnly() {}

  /** Each meter in {@code registry} is declared in the catalogue, by name, type and tag keys. */
  public static void assertDeclared(MeterRegistry registry) {
    assertThat(registry.getMeters()).isNotEmpty();
    assertThat(registry.getMeters())
        .allSatisfy(
            m ->
                assertThat(OperatorMeters.declaring(m.getId()))
                    .as("%s is not in OperatorMeters", m.getId())
                    .isPresent());
  }

  /** A hub that is not there: Events written to it are only logged. */
  public static KubernetesClient absentHub() {
    var config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:1")
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
