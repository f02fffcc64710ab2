package io.beastmode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A region with a real node runs a pod from a locally built image, reachable at its pod IP, its
 * hostPort, a Service's ClusterIP and NodePort, and leaves the host exactly as it found it once
 * stopped, or once put back after a killed run.
 */
class NodeRegionIT {
  @Test
  void aPodRunsOnTheNodeAndTheHostIsPutBackAfterwards() throws Exception {
    HostSnapshot before = HostSnapshot.take();
    int hostPort = Ports.free();
    try (var region = NodeRegion.start()) {
      var pods = region.client().pods().inNamespace("default");
      pods.resource(httpd(hostPort)).create();
      pods.withName("httpd").waitUntilReady(90, TimeUnit.SECONDS);

      String podIp = region.podIp("default", "httpd");
      assertThat(podIp).startsWith("10.244.0.");
      assertThat(get("http://" + podIp + ":8080/")).isEqualTo("hello from a real pod\n");
      assertThat(get("http://" + region.nodeIp() + ":" + hostPort + "/"))
          .isEqualTo("hello from a real pod\n");
      assertThat(region.peakMemoryMiB("default", "httpd")).isPositive();

      // logs and exec go through the kubelet, reached at the node's InternalIP; the pod got its
      // service account token from the controller-manager's kube-root-ca.crt and the API server
      assertThat(pods.withName("httpd").getLog()).contains("serving");
      try (var exec =
          pods.withName("httpd")
              .redirectingOutput()
              .exec("cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace")) {
        assertThat(exec.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(new String(exec.getOutput().readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("default");
      }

      // the controller-manager makes a Deployment's ReplicaSet and its pod
      region.client().apps().deployments().inNamespace("default").resource(sleeper()).create();
      region
          .client()
          .apps()
          .deployments()
          .inNamespace("default")
          .withName("sleeper")
          .waitUntilReady(60, TimeUnit.SECONDS);

      // kube-proxy: the pod behind a NodePort Service, at its ClusterIP and at the node's port
      var service = region.client().services().inNamespace("default").resource(nodePort()).create();
      String clusterIp = service.getSpec().getClusterIP();
      int nodePort = service.getSpec().getPorts().get(0).getNodePort();
      String hello = "hello from a real pod\n";
      assertThat(getEventually("http://" + clusterIp + "/", hello)).isEqualTo(hello);
      assertThat(getEventually("http://" + region.nodeIp() + ":" + nodePort + "/", hello))
          .isEqualTo(hello);
      // in-cluster clients (an operator pod) reach the API server at the kubernetes Service
      var inCluster = Config.fromKubeconfig(region.kubeconfig());
      inCluster.setMasterUrl("https://" + region.apiServiceIp() + ":443");
      try (var client = new KubernetesClientBuilder().withConfig(inCluster).build()) {
        assertThat(client.nodes().withName(NodeRegion.NODE_NAME).get()).isNotNull();
      }
      // the snapshot does see what the node changes
      List<String> changes = HostSnapshot.take().differencesFrom(before);
      System.out.println("host changes while the node runs:\n  " + String.join("\n  ", changes));
      assertThat(changes).isNotEmpty();

      // an outage as for an API-only region: stopping its API server stops the region
      region.apiServer().stop();
    }
    assertThat(leftBehind(before)).isEmpty();
    assertThat(NodeHostState.file()).doesNotExist();
  }

  @Test
  void aKilledRunIsPutBackFromItsRecord() throws Exception {
    HostSnapshot before = HostSnapshot.take();
    Files.createDirectories(RunToKill.READY.getParent());
    Files.deleteIfExists(RunToKill.READY); // an earlier run's
    Process run =
        new ProcessBuilder(
                ServerProcess.java(),
                "-cp",
                System.getProperty("java.class.path"),
                RunToKill.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    Path.of("target/node-region/run-to-kill.log").toFile()))
            .start();
    try {
      // the run says when its pod is ready; SIGKILL then leaves everything behind, hook included
      await(() -> Files.exists(RunToKill.READY), run);
      run.destroyForcibly().waitFor();
      assertThat(NodeHostState.file()).exists();
      assertThat(HostSnapshot.take().differencesFrom(before)).isNotEmpty();

      NodeHostState.main(new String[0]); // what make node-clean runs

      assertThat(leftBehind(before)).isEmpty();
      assertThat(NodeHostState.file()).doesNotExist();
    } finally {
      // a failed assertion above must not leave the host changed either
      run.destroyForcibly().waitFor();
      NodeHostState.restoreLeftover();
      Files.deleteIfExists(RunToKill.READY);
    }
  }

  /**
   * What differs from {@code before}, except the cgroups and mounts of other container runtimes on
   * a shared machine: containers another containerd started meanwhile (their shims name its
   * namespace, whose cgroups are /namespace/id) or stopped meanwhile (the region removes only what
   * is new, so a cgroup or mount gone is never its doing).
   */
  private static List<String> leftBehind(HostSnapshot before) {
    List<String> othersNamespaces = new ArrayList<>();
    List<String> othersDirs = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              List<String> args = List.of(NodeHostState.commandLine(p.pid()).split("\0"));
              int address = args.indexOf("-address");
              int namespace = args.indexOf("-namespace");
              if (args.get(0).contains("containerd-shim") && address > 0 && namespace > 0) {
                othersNamespaces.add("/" + args.get(namespace + 1));
                othersDirs.add(Path.of(args.get(address + 1)).getParent() + "/");
              }
            });
    return HostSnapshot.take().differencesFrom(before).stream()
        .filter(d -> !d.startsWith("gone cgroup ") && !d.startsWith("gone mount "))
        .filter(
            d ->
                !(d.startsWith("new cgroup ")
                    && othersNamespaces.stream()
                        .anyMatch(
                            ns -> (d.substring(d.indexOf(':') + 1) + "/").startsWith(ns + "/"))))
        .filter(
            d ->
                !(d.startsWith("new mount ")
                    && othersDirs.stream().anyMatch(dir -> d.startsWith("new mount " + dir))))
        .toList();
  }

  /** A node region with a running pod in its own JVM, for the test above to kill. */
  static final class RunToKill {
    static final Path READY = Path.of("target/node-region/run-to-kill.ready");

    public static void main(String[] args) throws Exception {
      var region = NodeRegion.start();
      var pods = region.client().pods().inNamespace("default");
      pods.resource(httpd(Ports.free())).create();
      pods.withName("httpd").waitUntilReady(90, TimeUnit.SECONDS);
      Files.writeString(READY, region.nodeIp());
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static void await(BooleanSupplier condition, Process run) throws InterruptedException {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      assertThat(run.isAlive()).as("the run to kill is alive").isTrue();
      Thread.sleep(200);
    }
    assertThat(condition.getAsBoolean()).as("the run to kill got its pod ready").isTrue();
  }

  private static Pod httpd(int hostPort) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("httpd")
        .withLabels(Map.of("app", "httpd"))
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("httpd")
        .withImage(LocalImages.BUSYBOX)
        .withImagePullPolicy("Never")
        .withCommand(
            List.of(
                "sh",
                "-c",
                "mkdir -p /www && echo hello from a real pod > /www/index.html && echo serving"
                    + " && exec httpd -f -p 8080 -h /www"))
        .addNewPort()
        .withContainerPort(8080)
        .withHostPort(hostPort)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/")
        .withNewPort(8080)
        .endHttpGet()
        .withPeriodSeconds(1)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Deployment sleeper() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("sleeper")
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", "sleeper")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "sleeper")
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("sleep")
        .withImage(LocalImages.BUSYBOX)
        .withImagePullPolicy("Never")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Service nodePort() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("httpd")
        .endMetadata()
        .withNewSpec()
        .withType("NodePort")
        .withSelector(Map.of("app", "httpd"))
        .addNewPort()
        .withPort(80)
        .withNewTargetPort(8080)
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * {@code url}'s answer once it is {@code expected}, or the last one: kube-proxy writes a new
   * Service's rules within a second or so, and until then the address may be refused, or routed
   * elsewhere and answered with something else.
   */
  private static String getEventually(String url, String expected) throws InterruptedException {
    String answer = "";
    for (int attempt = 0; attempt < 50 && !answer.equals(expected); attempt++) {
      if (attempt > 0) {
        Thread.sleep(200);
      }
      try {
        answer = get(url);
      } catch (IOException e) {
        answer = e.toString();
      }
    }
    return answer;
  }

  /**
   * A new client each time: a pooled connection opened before kube-proxy's rules existed would keep
   * going where the address was routed then.
   */
  private static String get(String url) throws IOException, InterruptedException {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(3))
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
