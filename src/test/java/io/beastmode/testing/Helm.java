package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The helm binary `make tools` provisions (.ci/provision-tools.sh), run on the chart in
 * helm/beast-mode. {@code -Dbeastmode.helm=<path>} points at another one.
 */
public final class Helm {
  public static final Path CHART = Path.of("helm", "beast-mode");
  public static final String RELEASE = "beast-mode";
  public static final String NAMESPACE = "beast-mode-system";

  /** The chart's ServiceAccount, as the API server names it. */
  public static final String SERVICE_ACCOUNT = "system:serviceaccount:" + NAMESPACE + ":" + RELEASE;

  private static final Path BINARY =
      Path.of(
          System.getProperty(
              "beastmode.helm",
              Path.of(System.getProperty("user.home"), ".kubeapitest", "tools", "helm")
                  .toString()));

  /** What a helm command printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result orFail() {
      if (exitCode != 0) {
        throw new IllegalStateException("helm exited with " + exitCode + ":\n" + stderr + stdout);
      }
      return this;
    }
  }

  private Helm() {}

  public static Result run(String... args) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " not found; run make tools (.ci/provision-tools.sh)");
    }
    var command = new ArrayList<String>(List.of(BINARY.toString()));
    command.addAll(List.of(args));
    try {
      var process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      // Read both streams at once: a full stderr pipe would block helm while stdout is read.
      var stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String stdout = read(process.getInputStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "helm " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), stdout, stderr.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code helm template} of the chart as release beast-mode in beast-mode-system, with {@code
   * extra} arguments.
   */
  public static Result template(String... extra) {
    var args =
        new ArrayList<>(List.of("template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /**
   * Installs the chart on {@code server} as {@code helm install --create-namespace} would (without
   * the CRDs, which tests install themselves): the namespace, then every rendered object, applied
   * server-side. Returns the objects.
   */
  public static List<HasMetadata> install(ApiServer server, String... values) {
    var objects = objects(template(values).orFail().stdout());
    server
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .fieldManager("helm")
        .serverSideApply();
    for (HasMetadata object : objects) {
      server.client().resource(object).fieldManager("helm").serverSideApply();
    }
    return objects;
  }

  /** The value the chart gives the operator container's environment variable {@code name}. */
  public static String operatorEnv(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream())
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getValue())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the chart sets no " + name));
  }

  /** The objects of a rendered manifest; kinds fabric8 does not know come as generic resources. */
  public static List<HasMetadata> objects(String manifest) {
    try (var client = new KubernetesClientBuilder().build()) {
      return client
          .load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)))
          .items();
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
