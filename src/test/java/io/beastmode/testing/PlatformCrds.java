package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CRDs of the platform APIs the operator writes to where they are installed, as their projects
 * publish them (Gateway API, external-dns, the Prometheus Operator, KEDA): {@code
 * .ci/platform-crds.tsv} lists them and {@code make platform-crds} caches them in {@code
 * ~/.kubeapitest/crds}. Installed with {@link ApiServer#withPlatformCrds}, so the API server checks
 * what the operator writes against the real schemas.
 */
public enum PlatformCrds {
  /** Gateway API's HTTPRoute (standard channel): the operator sets its backendRefs' weights. */
  HTTP_ROUTE("HTTPRoute"),
  /** external-dns's DNSEndpoint: the operator sets its endpoints' weights. */
  DNS_ENDPOINT("DNSEndpoint"),
  /** The Prometheus Operator's PrometheusRule: the operator writes burn-rate alerts. */
  PROMETHEUS_RULE("PrometheusRule"),
  /** The Prometheus Operator's ServiceMonitor: the chart's optional one. */
  SERVICE_MONITOR("ServiceMonitor"),
  /** KEDA's ScaledObject: the operator writes one in place of an HPA where KEDA is installed. */
  SCALED_OBJECT("ScaledObject");

  /** The kinds the operator writes into on the hub: global entry points and alerts. */
  public static final List<PlatformCrds> HUB = List.of(HTTP_ROUTE, DNS_ENDPOINT, PROMETHEUS_RULE);

  private static final Path LIST = Path.of(".ci", "platform-crds.tsv");

  private final String kind;

  PlatformCrds(String kind) {
    this.kind = kind;
  }

  /** The cached CRD file; fails, naming the make target, when it has not been provisioned. */
  public Path file() {
    String[] row = row();
    Path file =
        NodeHostState.kubeApiTestDir()
            .resolve("crds")
            .resolve(row[1] + "@" + row[2])
            .resolve(Path.of(row[3]).getFileName());
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "the " + kind + " CRD is not provisioned (" + file + "): run make platform-crds");
    }
    return file;
  }

  private String[] row() {
    try {
      return Files.readAllLines(LIST).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("\t"))
          .filter(columns -> columns.length == 4 && columns[0].equals(kind))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(LIST + " has no row for " + kind));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return kind;
  }
}
