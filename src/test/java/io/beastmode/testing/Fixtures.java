package io.beastmode.testing;

import io.beastmode.api.v1alpha1.BurnRateRule;
import io.beastmode.api.v1alpha1.HealthCheck;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterSpec;
import io.beastmode.api.v1alpha1.Model;
import io.beastmode.api.v1alpha1.ModelEndpoint;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.ModelPoolSpec;
import io.beastmode.api.v1alpha1.ModelPricing;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionLocation;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.api.v1alpha1.RegionSpec;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.api.v1alpha1.SloAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Small, valid objects of each kind for tests. */
public final class Fixtures {

  /**
   * A spec edit as a user makes it: read, change, write; again if the operator's status write came
   * between.
   */
  public static <T extends HasMetadata> void edit(Resource<T> resource, Consumer<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        resource.edit(
            object -> {
              change.accept(object);
              return object;
            });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private Fixtures() {}

  public static Region region(String name, int probeIntervalSeconds) {
    var region = new Region();
    region.setMetadata(new ObjectMetaBuilder().withName(name).build());
    var spec = new RegionSpec();
    spec.location = new RegionLocation();
    spec.location.provider = "onprem";
    spec.location.geo = name;
    spec.healthCheck = new HealthCheck();
    spec.healthCheck.intervalSeconds = probeIntervalSeconds;
    spec.healthCheck.timeoutSeconds = probeIntervalSeconds;
    spec.healthCheck.failureThreshold = 2;
    spec.healthCheck.successThreshold = 2;
    region.setSpec(spec);
    return region;
  }

  public static Region memberRegion(
      String name, int probeIntervalSeconds, String secretNamespace, String secretName) {
    var region = region(name, probeIntervalSeconds);
    region.getSpec().kubeconfigSecretRef =
        new SecretKeyReference(secretName, secretNamespace, "kubeconfig");
    return region;
  }

  public static Model model(String name, double inputPrice, double outputPrice, double quality) {
    var model = new Model();
    model.name = name;
    var endpoint = new ModelEndpoint();
    endpoint.url = "http://simulator.test:8000/v1";
    model.endpoints = List.of(endpoint);
    model.pricing = new ModelPricing(inputPrice, outputPrice);
    model.quality.score = quality;
    return model;
  }

  public static ModelPool pool(String namespace, String name, Model... models) {
    var pool = new ModelPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    pool.setSpec(new ModelPoolSpec());
    pool.getSpec().models = Arrays.asList(models);
    return pool;
  }

  public static LLMRouter router(
      String namespace, String name, List<String> pools, String... regions) {
    var router = new LLMRouter();
    router.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new LLMRouterSpec();
    spec.modelPools = pools.stream().map(NamedReference::new).toList();
    spec.regions = Arrays.stream(regions).map(r -> new RegionPlacement(r, 2)).toList();
    router.setSpec(spec);
    return router;
  }

  /** A burn-rate rule taking every action. */
  public static BurnRateRule burnRateRule(
      String name, String longWindow, String shortWindow, double burnRate) {
    var rule = new BurnRateRule();
    rule.name = name;
    rule.longWindow = longWindow;
    rule.shortWindow = shortWindow;
    rule.burnRate = burnRate;
    rule.actions =
        List.of(SloAction.ScaleUp, SloAction.ShiftTraffic, SloAction.DegradeModel, SloAction.Alert);
    return rule;
  }
}
