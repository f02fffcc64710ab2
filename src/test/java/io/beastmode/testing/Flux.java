package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flux's source-controller and kustomize-controller as processes against one API server, with
 * Flux's CRDs installed on it, and a git server they clone from over smart HTTP: what {@code
 * .ci/provision-flux.sh} builds from the Flux modules into ~/.kubeapitest/flux. Each process has
 * its own loopback ports; everything is stopped on close.
 */
public final class Flux implements AutoCloseable {
  /** The Flux release the binaries and CRDs come from; keep in step with .ci/provision-flux.sh. */
  public static final String VERSION = "1.9.6";

  public static final String NAMESPACE = "flux-system";
  public static final String SOURCE_API = "source.toolkit.fluxcd.io/v1";
  public static final String KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1";

  /** How long a test waits for Flux at most: a bound, never asserted on. */
  public static final Duration BOUND = Duration.ofMinutes(2);

  private final List<ServerProcess> processes = new ArrayList<>();
  private final Path workDir;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private String gitUrl;

  private Flux(KubernetesClient client, Path workDir) {
    this.client = client;
    this.workDir = workDir;
    this.kubeconfig = workDir.resolve("kubeconfig");
  }

  /** Where .ci/provision-flux.sh put the binaries and CRDs. */
  static Path home() {
    return NodeHostState.kubeApiTestDir().resolve("flux").resolve(VERSION);
  }

  /**
   * Installs Flux's CRDs on {@code server} and starts the git server and both controllers, their
   * logs, repositories and artifacts under {@code workDir}.
   */
  public static Flux start(ApiServer server, Path workDir) {
    for (String binary : List.of("source-controller", "kustomize-controller", "flux-git-server")) {
      if (!Files.isExecutable(home().resolve(binary))) {
        throw new IllegalStateException(
            home().resolve(binary) + " is missing: run make flux-binaries (.ci/provision-flux.sh)");
      }
    }
    var flux = new Flux(server.client(), workDir);
    try {
      Files.createDirectories(workDir);
      server.withCrdsFrom(home().resolve("crds"));
      server
          .client()
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .serverSideApply();
      Files.writeString(flux.kubeconfig, server.kubeconfig());
      flux.startGitServer();
      flux.startSourceController();
      flux.startKustomizeController();
      return flux;
    } catch (IOException e) {
      flux.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      flux.close();
      throw e;
    }
  }

  private void startGitServer() throws IOException {
    Path repositories = workDir.resolve("repositories");
    Files.createDirectories(repositories);
    var git =
        start(
            "flux-git-server",
            List.of(home().resolve("flux-git-server").toString(), repositories.toString()));
    // Its first line of output is its base URL, on a port it chose.
    Instant deadline = Instant.now().plusSeconds(30);
    while (gitUrl == null) {
      if (!git.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("flux-git-server did not start; see " + git.log());
      }
      Files.readAllLines(git.log()).stream()
          .filter(line -> line.startsWith("http://"))
          .findFirst()
          .ifPresent(url -> gitUrl = url.strip());
      Fleet.sleep(100);
    }
  }

  private void startSourceController() throws IOException {
    int health = Ports.free();
    // The artifact server: kustomize-controller downloads each revision from the URL this
    // advertises.
    int storage = Ports.free();
    Path artifacts = workDir.resolve("artifacts");
    Files.createDirectories(artifacts);
    start(
            "source-controller",
            List.of(
                home().resolve("source-controller").toString(),
                "--metrics-addr=127.0.0.1:" + Ports.free(),
                "--health-addr=127.0.0.1:" + health,
                "--storage-addr=127.0.0.1:" + storage,
                "--storage-adv-addr=127.0.0.1:" + storage,
                "--storage-path=" + artifacts,
                "--enable-leader-election=false",
                "--log-encoding=console"))
        .awaitHttp("http://127.0.0.1:" + health + "/readyz");
  }

  private void startKustomizeController() {
    int health = Ports.free();
    start(
            "kustomize-controller",
            List.of(
                home().resolve("kustomize-controller").toString(),
                "--metrics-addr=127.0.0.1:" + Ports.free(),
                "--health-addr=127.0.0.1:" + health,
                "--enable-leader-election=false",
                "--log-encoding=console"))
        .awaitHttp("http://127.0.0.1:" + health + "/readyz");
  }

  private ServerProcess start(String name, List<String> command) {
    // The controllers have no --kubeconfig flag: they read $KUBECONFIG.
    var process =
        ServerProcess.start(name, command, Map.of("KUBECONFIG", kubeconfig.toString()), workDir);
    processes.add(process);
    return process;
  }

  /** A repository on the git server (created by the first push) with a working copy to commit. */
  public GitWorkingCopy repository(String name) {
    return GitWorkingCopy.create(workDir.resolve("clone-" + name), gitUrl + "/" + name + ".git");
  }

  /** A Flux object of {@code apiVersion} and {@code kind} in flux-system, read untyped. */
  public Resource<GenericKubernetesResource> object(String apiVersion, String kind, String name) {
    return client
        .genericKubernetesResources(apiVersion, kind)
        .inNamespace(NAMESPACE)
        .withName(name);
  }

  /** The client of the API server Flux runs against. */
  public KubernetesClient client() {
    return client;
  }

  /** The controllers' logs, for a failure message. */
  public List<Path> logs() {
    return processes.stream().map(ServerProcess::log).toList();
  }

  /** Stops the controllers first, so none acts on an API server the test is stopping. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
