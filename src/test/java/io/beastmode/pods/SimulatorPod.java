package io.beastmode.pods;

import io.beastmode.bench.router.RouterMemoryBench;
import io.beastmode.testing.NodeRegion;
import io.beastmode.testing.PodImage;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The model simulator as a pod from the project's image, answering {@link RouterMemoryBench#MODEL}
 * in 1.5 s: what a router pod on the node sends its misses to.
 */
final class SimulatorPod {
  static final String NAME = "simulator";

  private SimulatorPod() {}

  /** Starts it in {@code namespace} and waits until it is Ready; its pod IP. */
  static String start(NodeRegion region, String namespace, Duration patience) {
    var client = region.client();
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .endMetadata()
                .withData(
                    Map.of(
                        "simulator.yaml",
                        """
                        models:
                        - name: %s
                          latencyMs: 1500
                          latencyP99Ms: 3000
                          tokensPerSecond: 4000
                        """
                            .formatted(RouterMemoryBench.MODEL)))
                .build())
        .create();
    Pod simulator =
        new PodBuilder()
            .withNewMetadata()
            .withName(NAME)
            .addToLabels("app", NAME)
            .endMetadata()
            .withNewSpec()
            .withTerminationGracePeriodSeconds(1L)
            .addNewContainer()
            .withName(NAME)
            .withImage(PodImage.REFERENCE)
            .withImagePullPolicy("Never")
            .addNewEnv()
            .withName("BEASTMODE_ROLE")
            .withValue("simulator")
            .endEnv()
            .addNewEnv()
            .withName("BEASTMODE_SIMULATOR_CONFIG")
            .withValue("/etc/simulator/simulator.yaml")
            .endEnv()
            .addNewPort()
            .withContainerPort(8080)
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/q/health/ready")
            .withNewPort(9000)
            .endHttpGet()
            .withPeriodSeconds(2)
            .endReadinessProbe()
            .addNewVolumeMount()
            .withName("config")
            .withMountPath("/etc/simulator")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .withNewSecurityContext()
            .withReadOnlyRootFilesystem(true)
            .endSecurityContext()
            .endContainer()
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName(NAME)
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    client.pods().inNamespace(namespace).resource(simulator).create();
    client
        .pods()
        .inNamespace(namespace)
        .withName(NAME)
        .waitUntilReady(patience.toSeconds(), TimeUnit.SECONDS);
    return region.podIp(namespace, NAME);
  }
}
