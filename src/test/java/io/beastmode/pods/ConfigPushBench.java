package io.beastmode.pods;

import static io.beastmode.testing.Fixtures.memberRegion;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.bench.BenchResults;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code make bench-config-push}: how long a change the operator makes to a router's traffic takes
 * to reach a running router pod on a real node, through the push in the region's Redis, against the
 * baseline measured in the same run, the kubelet's refresh of the mounted ConfigMap. Each change
 * moves a peer region's address; the clock starts when the ConfigMap's new revision is readable
 * from the API server and stops when the pod's metrics show that revision in force (push), and when
 * the kubelet's copy of the volume on this host holds it (files).
 */
public final class ConfigPushBench {
  private static final int CHANGES = Integer.getInteger("bench.changes", 5);
  private static final long GIVE_UP_NANOS = 240_000_000_000L;

  public static void main(String[] args) {
    try {
      run();
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    // Clients' threads would keep the JVM up.
    System.exit(0);
  }

  private static void run() throws Exception {
    try (var fixture =
        RouterOnNode.start("bench", "chat", r -> r.getSpec().autoscaling.enabled = false)) {
      var remote = memberRegion("remote", 2, "bench", "remote-kubeconfig");
      remote.getSpec().routerEndpoint = "http://routers.remote.example:8080";
      fixture.client.resource(remote).create();
      Fixtures.edit(
          fixture.client.resources(LLMRouter.class).inNamespace("bench").withName("chat"),
          r ->
              r.getSpec().regions =
                  List.of(new RegionPlacement("local", 1), new RegionPlacement("remote", 1)));
      String pod = fixture.readyPods().get(0);
      String podUid =
          fixture.client.pods().inNamespace("bench").withName(pod).get().getMetadata().getUid();
      Path mounted =
          fixture.region.configMapVolume(podUid, "routing").resolve(RoutingConfigMap.REVISION_KEY);
      String metricsUrl = "http://" + fixture.region.podIp("bench", pod) + ":9000/q/metrics";
      var configMap =
          fixture.client.configMaps().inNamespace("bench").withName(RoutingConfigMap.name("chat"));
      var http = HttpClient.newHttpClient();

      var changes = new ArrayList<Map<String, Object>>();
      for (int i = 0; i < CHANGES; i++) {
        long before = RoutingConfigMap.revision(configMap.get());
        // The peer's address is in traffic.yaml: each change moves it.
        String endpoint = "http://routers-" + i + ".remote.example:8080";
        Fixtures.edit(
            fixture.client.resources(Region.class).withName("remote"),
            r -> r.getSpec().routerEndpoint = endpoint);
        long revision = poll(() -> RoutingConfigMap.revision(configMap.get()), r -> r != before);
        long written = System.nanoTime();
        Double push = null;
        Double files = null;
        while ((push == null || files == null) && System.nanoTime() - written < GIVE_UP_NANOS) {
          if (push == null && revisionInForce(http, metricsUrl) >= revision) {
            push = (System.nanoTime() - written) / 1e9;
          }
          if (files == null && mountedRevision(mounted) >= revision) {
            files = (System.nanoTime() - written) / 1e9;
          }
          Thread.sleep(25);
        }
        var change = new LinkedHashMap<String, Object>();
        change.put("revision", revision);
        change.put("push_seconds", push);
        change.put("kubelet_files_seconds", files);
        changes.add(change);
        System.out.printf("change %d: push %s s, kubelet's files %s s%n", i + 1, push, files);
      }
      write(changes);
    }
  }

  private static void write(List<Map<String, Object>> changes) throws Exception {
    var push = seconds(changes, "push_seconds");
    var files = seconds(changes, "kubelet_files_seconds");
    var figures = new LinkedHashMap<String, Object>();
    figures.put("changes", changes.size());
    figures.put("push_p50_seconds", percentile(push, 50));
    figures.put("push_max_seconds", percentile(push, 100));
    figures.put("baseline_kubelet_files_p50_seconds", percentile(files, 50));
    figures.put("baseline_kubelet_files_max_seconds", percentile(files, 100));
    figures.put("speedup_p50", round(percentile(files, 50) / percentile(push, 50)));
    figures.put("per_change", changes);
    var md = new StringBuilder();
    md.append("# A traffic change reaching a running router pod (make bench-config-push)\n\n")
        .append("From the routing ConfigMap's new revision being readable from the API server to")
        .append(" the router pod on a real node running it (its metrics), through the operator's")
        .append(" push in the region's Redis; the baseline, measured in the same run, is the")
        .append(" kubelet refreshing the pod's mounted copy. ")
        .append(changes.size())
        .append(" changes of a peer region's address.\n\n")
        .append(
            BenchResults.table(
                List.of("path", "p50 s", "max s"),
                List.of(
                    List.of("push through Redis", percentile(push, 50), percentile(push, 100)),
                    List.of(
                        "kubelet's mounted files (baseline)",
                        percentile(files, 50),
                        percentile(files, 100)))))
        .append("\nThe push is ")
        .append(figures.get("speedup_p50"))
        .append(" times faster at the median.\n");
    BenchResults.write(Path.of("bench/results/config-push"), figures, md);
    System.out.print(md);
  }

  private static List<Double> seconds(List<Map<String, Object>> changes, String field) {
    return changes.stream()
        .map(change -> (Double) change.get(field))
        .map(value -> value == null ? GIVE_UP_NANOS / 1e9 : value)
        .sorted()
        .toList();
  }

  /** Nearest-rank percentile of sorted values. */
  private static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return round(sorted.get(Math.max(0, rank - 1)));
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static long revisionInForce(HttpClient http, String metricsUrl) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body()
          .lines()
          .filter(line -> line.startsWith("beastmode_router_config_revision{"))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .findFirst()
          .orElse(0);
    } catch (Exception e) {
      return 0;
    }
  }

  private static long mountedRevision(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (Exception e) {
      return 0;
    }
  }

  private interface Reading {
    long read() throws Exception;
  }

  private static long poll(Reading reading, java.util.function.LongPredicate done)
      throws Exception {
    long deadline = System.nanoTime() + GIVE_UP_NANOS;
    while (System.nanoTime() < deadline) {
      long value = reading.read();
      if (done.test(value)) {
        return value;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the routing ConfigMap did not change");
  }
}
