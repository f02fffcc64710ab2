package io.beastmode.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real kube-apiserver with its own etcd, started from the binaries `make kube-binaries`
 * provisions (offline: nothing is downloaded). One per region in multi-region tests; stopping one
 * is a region outage.
 */
public final class ApiServer implements AutoCloseable {
  /** The Kubernetes version the tests run on; keep in step with .ci/provision-kube-binaries.sh. */
  public static final String KUBERNETES_VERSION = System.getProperty("beastmode.kubernetes.version", "1.33.13");

  private final KubeAPIServer server;
  private final KubernetesClient client;
  private final String kubeconfig;

  private ApiServer(KubeAPIServer server) {
    this.server = server;
    this.kubeconfig = server.getKubeConfigYaml();
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  public static ApiServer start() {
    var server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(KUBERNETES_VERSION)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(120_000)
                .build());
    server.start();
    return new ApiServer(server);
  }

  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig reaching this server with admin rights, as a member Region's Secret holds. */
  public String kubeconfig() {
    return kubeconfig;
  }

  /** Installs the committed CRDs (crds/) and waits until they are served. */
  public ApiServer withCrds() {
    return withCrdsFrom(Path.of("crds"));
  }

  /** Installs the CRDs in {@code dir} and waits until they are served. */
  public ApiServer withCrdsFrom(Path dir) {
    for (Path file : yamlFiles(dir)) {
      for (HasMetadata crd : load(file)) {
        client.resource(crd).serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                60, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    return this;
  }

  public List<HasMetadata> load(Path file) {
    try (var in = Files.newInputStream(file)) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the API server and its etcd: a region outage. */
  public void stop() {
    client.close();
    server.stop();
  }

  @Override
  public void close() {
    stop();
  }
}
