package io.beastmode.demo;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The embedded default: two regions, each a real kube-apiserver with its etcd, and the packaged
 * operator (target/quarkus-app) managing them, with the examples applied. No cluster needed. A
 * stand-in for kubelet marks Deployments available. Runs until Ctrl-C, or for DEMO_DURATION
 * seconds and then exits 0 only if the example router became ready in both regions.
 */
public final class LocalPlatform {
  static final Path WORK = Path.of("target", "demo");
  static final Path OPERATOR_JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  public static void main(String[] args) throws Exception {
    String duration = System.getenv("DEMO_DURATION");
    Files.createDirectories(WORK);
    step("starting region eu-west (hub): kube-apiserver " + ApiServer.KUBERNETES_VERSION + " + etcd");
    var hub = ApiServer.start().withCrds();
    step("starting region us-east (member): kube-apiserver " + ApiServer.KUBERNETES_VERSION + " + etcd");
    var member = ApiServer.start();
    var hubWorkloads = new FakeWorkloadController(hub.client());
    var memberWorkloads = new FakeWorkloadController(member.client());
    Path kubeconfig = WORK.resolve("kubeconfig");
    Files.writeString(kubeconfig, hub.kubeconfig());

    hub.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("beast-mode-system").endMetadata().build()).create();
    hub.client().secrets().inNamespace("beast-mode-system").resource(new SecretBuilder()
        .withNewMetadata().withName("us-east-kubeconfig").endMetadata()
        .withStringData(Map.of("kubeconfig", member.kubeconfig()))
        .build()).create();

    step("starting the operator (" + OPERATOR_JAR + ", role operator); log in " + WORK.resolve("operator.log"));
    var operator = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dkubeconfig=" + kubeconfig.toAbsolutePath(),
            "-Dbeastmode.role=operator",
            "-Dquarkus.http.port=0",
            "-jar", OPERATOR_JAR.toString()))
        .redirectErrorStream(true)
        .redirectOutput(WORK.resolve("operator.log").toFile())
        .start();

    int exit = 1;
    try {
      step("applying k8s/examples");
      for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
        for (HasMetadata object : hub.load(file)) {
          hub.client().resource(object).fieldManager("kubectl").serverSideApply();
        }
      }
      Instant end = duration == null ? Instant.MAX : Instant.now().plusSeconds(Long.parseLong(duration));
      while (Instant.now().isBefore(end) && operator.isAlive()) {
        show(kubeconfig);
        Thread.sleep(Duration.ofSeconds(5).toMillis());
      }
      exit = ready(hub) ? 0 : 1;
      System.out.println(exit == 0
          ? "\nRESULT: LLMRouter assistant is ready in eu-west and us-east"
          : "\nRESULT: LLMRouter assistant did not become ready; see " + WORK.resolve("operator.log"));
    } finally {
      operator.destroy();
      hubWorkloads.close();
      memberWorkloads.close();
      member.stop();
      hub.stop();
    }
    System.exit(exit);
  }

  private static boolean ready(ApiServer hub) {
    var router = hub.client().resources(LLMRouter.class).inNamespace("beastmode-demo").withName("assistant").get();
    return router != null && router.getStatus() != null && "2/2".equals(router.getStatus().readyRegions)
        && router.getStatus().conditions.stream().anyMatch(c -> "Ready".equals(c.type) && c.status.name().equals("True"));
  }

  /** What a user would type: kubectl get beastmode, with the kubectl built next to kube-apiserver. */
  private static void show(Path kubeconfig) throws IOException, InterruptedException {
    File kubectl = Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s", ApiServer.KUBERNETES_VERSION + "-linux-amd64", "kubectl").toFile();
    System.out.println("\n$ kubectl get beastmode -A      (" + Instant.now() + ")");
    new ProcessBuilder(kubectl.getPath(), "--kubeconfig", kubeconfig.toString(), "get", "beastmode", "-A")
        .inheritIO().start().waitFor();
  }

  private static void step(String message) {
    System.out.println("==> " + message);
  }
}
