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
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real kube-apiserver with its own etcd, started from the binaries `make kube-binaries`
 * provisions (offline: nothing is downloaded). One per region in multi-region tests; stopping one
 * is a region outage.
 */
public final class ApiServer implements AutoCloseable {
  /** The Kubernetes version the tests run on; keep in step with .ci/provision-kube-binaries.sh. */
  public static final String KUBERNETES_VERSION =
      System.getProperty("beastmode.kubernetes.version", "1.33.13");

  private final Runnable stopServer;
  private final KubernetesClient client;
  private final String kubeconfig;

  private ApiServer(String kubeconfig, Runnable stopServer) {
    this.stopServer = stopServer;
    this.kubeconfig = kubeconfig;
    this.client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  /**
   * An API server started by other means (a {@link NodeRegion}'s), reached with {@code kubeconfig};
   * {@code stopServer} stops it.
   */
  static ApiServer of(String kubeconfig, Runnable stopServer) {
    return new ApiServer(kubeconfig, stopServer);
  }

  /** An audit policy recording every request's metadata (who, what, when, user agent). */
  public static final String AUDIT_EVERY_REQUEST =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
        - level: Metadata
      """;

  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

  public static ApiServer start() {
    return start(Map.of());
  }

  /** Started with extra kube-apiserver flags ({@code --audit-log-path} and its value, ...). */
  public static ApiServer start(Map<String, String> flags) {
    sleep(waitBeforeStart(LocalTime.now(), STARTUP_TIMEOUT));
    var config =
        KubeAPIServerConfigBuilder.anAPIServerConfig()
            .withApiServerVersion(KUBERNETES_VERSION)
            .withOfflineMode(true)
            .withUpdateKubeConfig(false)
            .withStartupTimeout((int) STARTUP_TIMEOUT.toMillis());
    flags.forEach(config::withApiServerFlag);
    var server = new KubeAPIServer(config.build());
    try {
      server.start();
    } catch (RuntimeException e) {
      // kube-api-test leaves the etcd and kube-apiserver it started running when its start fails.
      server.stop();
      throw e;
    }
    return new ApiServer(server.getKubeConfigYaml(), server::stop);
  }

  /**
   * How long a start must wait first. kube-api-test's readiness poll compares times of day: a
   * deadline past midnight reads as already passed, and the start fails at once ("Kube API Server
   * did not start properly"). A start whose deadline would cross midnight waits until it has
   * passed.
   */
  static Duration waitBeforeStart(LocalTime now, Duration timeout) {
    LocalTime deadline = now.plus(timeout);
    if (!deadline.isBefore(now)) {
      return Duration.ZERO;
    }
    return Duration.between(now, LocalTime.MAX).plusSeconds(1);
  }

  private static void sleep(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    System.out.printf(
        "waiting %d s for midnight to pass before a kube-apiserver start%n", duration.toSeconds());
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * A client acting as {@code user}, impersonated by the admin client, so the API server authorizes
   * it by RBAC as that user; a service account's user name brings its groups.
   */
  public KubernetesClient clientAs(String user) {
    var config = Config.fromKubeconfig(kubeconfig);
    config.setImpersonateUsername(user);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** A kubeconfig reaching this server with admin rights, as a member Region's Secret holds. */
  public String kubeconfig() {
    return kubeconfig;
  }

  /** Installs the committed CRDs (crds/) and waits until they are served. */
  public ApiServer withCrds() {
    return withCrdsFrom(Path.of("crds"));
  }

  /**
   * Installs the platform APIs' CRDs as their projects publish them ({@code make platform-crds}
   * caches them) and waits until they are served.
   */
  public ApiServer withPlatformCrds(List<PlatformCrds> crds) {
    for (PlatformCrds crd : crds) {
      withCrdsFrom(crd.file());
    }
    return this;
  }

  /** {@link #withPlatformCrds(List)} of some. */
  public ApiServer withPlatformCrds(PlatformCrds... crds) {
    return withPlatformCrds(List.of(crds));
  }

  /**
   * Installs the CRDs in {@code path} (a file, or every YAML file of a directory) and waits until
   * they are served.
   */
  public ApiServer withCrdsFrom(Path path) {
    for (Path file : Files.isDirectory(path) ? yamlFiles(path) : List.of(path)) {
      for (HasMetadata crd : load(file)) {
        client.resource(crd).serverSideApply();
        awaitEstablished(crd.getMetadata().getName());
      }
    }
    return this;
  }

  /** Waits until the CRD {@code name} is served. */
  public void awaitEstablished(String name) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(name)
        .waitUntilCondition(
            c ->
                c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            cond ->
                                "Established".equals(cond.getType())
                                    && "True".equals(cond.getStatus())),
            60,
            java.util.concurrent.TimeUnit.SECONDS);
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
      return files
          .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the API server and its etcd: a region outage. */
  public void stop() {
    client.close();
    stopServer.run();
  }

  @Override
  public void close() {
    stop();
  }
}
