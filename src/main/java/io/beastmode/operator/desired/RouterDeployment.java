package io.beastmode.operator.desired;

import io.beastmode.api.v1alpha1.Model;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The router Deployment of one region: this image in role router, locked down. */
final class RouterDeployment {
  static final String CONFIG_HASH_ANNOTATION = "beastmode.io/config-hash";
  static final String CONFIG_DIR = "/etc/beastmode";
  static final int HTTP_PORT = 8080;

  /**
   * Health and metrics (Quarkus' management interface); the router's Service does not expose it.
   */
  public static final int MANAGEMENT_PORT = 9000;

  private RouterDeployment() {}

  /**
   * @param replicas replicas when autoscaling is off
   */
  static Deployment build(
      ResolvedRouter inputs,
      Region region,
      ObjectMeta metadata,
      String image,
      String configHash,
      int replicas) {
    var spec = inputs.router().getSpec();
    var podLabels = new LinkedHashMap<>(metadata.getLabels());
    podLabels.putAll(ManagedLabels.podSelector(inputs.name()));
    var builder =
        new DeploymentBuilder()
            .withMetadata(metadata)
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(ManagedLabels.podSelector(inputs.name()))
            .endSelector()
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxUnavailable(new IntOrString(0))
            .withMaxSurge(new IntOrString(1))
            .endRollingUpdate()
            .endStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(podLabels)
            .withAnnotations(Map.of(CONFIG_HASH_ANNOTATION, configHash))
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(10001L)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewContainer()
            .withName("router")
            .withImage(image)
            .withEnv(env(inputs, region))
            .addNewPort()
            .withName("http")
            .withContainerPort(HTTP_PORT)
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName("management")
            .withContainerPort(MANAGEMENT_PORT)
            .withProtocol("TCP")
            .endPort()
            // Liveness counts only once the router has started: a slow start on a busy node (the
            // JVM, the prompt encoder) is waited for up to two minutes, not killed after 15 s.
            .withStartupProbe(startupProbe())
            .withReadinessProbe(probe("/q/health/ready"))
            .withLivenessProbe(probe("/q/health/live"))
            .withNewResources()
            .withRequests(
                Map.of(
                    "cpu",
                    new Quantity(spec.router.cpuRequest),
                    "memory",
                    new Quantity(spec.router.memory)))
            .withLimits(Map.of("memory", new Quantity(spec.router.memory)))
            .endResources()
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("routing")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .endContainer()
            .addNewVolume()
            .withName("routing")
            .withNewConfigMap()
            .withName(RoutingConfigMap.name(inputs.name()))
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .endTemplate()
            .endSpec();
    // With autoscaling on, the HorizontalPodAutoscaler owns replicas; applying them would fight it.
    if (!spec.autoscaling.enabled) {
      builder.editSpec().withReplicas(replicas).endSpec();
    }
    return builder.build();
  }

  private static List<EnvVar> env(ResolvedRouter inputs, Region region) {
    var env = new ArrayList<EnvVar>();
    // Sized for the pod's memory limit (RouterJvmOptions); set here too so the Deployment shows
    // them.
    env.add(new EnvVar("JAVA_TOOL_OPTIONS", RouterJvmOptions.DEFAULT, null));
    env.add(new EnvVar("MALLOC_ARENA_MAX", RouterJvmOptions.MALLOC_ARENA_MAX, null));
    env.add(new EnvVar("BEASTMODE_ROLE", "router", null));
    env.add(new EnvVar("BEASTMODE_REGION", region.getMetadata().getName(), null));
    env.add(
        new EnvVar(
            "BEASTMODE_ROUTER_CONFIG", CONFIG_DIR + "/" + RoutingConfigMap.ROUTING_KEY, null));
    env.add(
        new EnvVar(
            "BEASTMODE_ROUTER_TRAFFIC", CONFIG_DIR + "/" + RoutingConfigMap.TRAFFIC_KEY, null));
    env.add(
        new EnvVar("BEASTMODE_ROUTER_KEYS", CONFIG_DIR + "/" + RoutingConfigMap.KEYS_KEY, null));
    if (region.getSpec().redis != null) {
      RedisAddress.routerEnvironment(region.getSpec().redis)
          .forEach((name, value) -> env.add(new EnvVar(name, value, null)));
      var password = region.getSpec().redis.passwordSecretRef;
      if (password != null) {
        env.add(secretEnv("QUARKUS_REDIS_PASSWORD", password.name, password.key));
      }
    }
    inputs.pools().stream()
        .map(ModelPool::getSpec)
        .flatMap(pool -> pool.models.stream())
        .map((Model m) -> m.credentialsSecretRef)
        .filter(ref -> ref != null)
        .forEach(
            ref -> {
              var name = RoutingConfigRenderer.apiKeyEnv(ref);
              // Models sharing a credential share its variable.
              if (env.stream().noneMatch(e -> e.getName().equals(name))) {
                env.add(secretEnv(name, ref.name, ref.key));
              }
            });
    return env;
  }

  private static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static Probe startupProbe() {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath("/q/health/started")
        .withPort(new IntOrString("management"))
        .endHttpGet()
        .withPeriodSeconds(2)
        .withFailureThreshold(60)
        .build();
  }

  private static Probe probe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("management"))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(3)
        .build();
  }
}
