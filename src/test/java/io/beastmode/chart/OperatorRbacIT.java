package io.beastmode.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.operator.OperatorLeaderElection;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Helm;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.PlatformCrds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's RBAC against what the operator does. The controllers run against a real API server
 * that authorizes by RBAC, as the chart's ServiceAccount (impersonated), with the chart's
 * ClusterRole, Role and bindings applied, while the examples reconcile and the example router is
 * deleted. The API server's audit log then shows every request the ServiceAccount made: none may be
 * forbidden, and every grant must have been used, unless listed below as out of this scenario's
 * reach.
 */
class OperatorRbacIT {
  /** Grants this scenario cannot reach, each with why the operator has it. */
  static final Set<String> NOT_EXERCISED =
      Set.of(
          // A router's namespace in a region is created when missing; the example's exists.
          "core/namespaces create",
          // Predictive scaling reads router pods' start-up time; the example router is not
          // predictive.
          "core/pods list",
          // A PrometheusRule goes when an objective stops asking for alerts; the example's keeps
          // asking.
          "monitoring.coreos.com/prometheusrules delete",
          // Where KEDA is installed a ScaledObject replaces the HPA, and the HPA KEDA made is read.
          "keda.sh/scaledobjects create",
          "keda.sh/scaledobjects patch",
          "keda.sh/scaledobjects delete",
          "autoscaling/horizontalpodautoscalers get",
          // Snapshots: the example policy's encryption key is not among the examples (a user
          // creates it), so it takes none; BackupPolicyIT runs them.
          "core/secrets list",
          "core/secrets delete",
          // Continuous backup watches Secrets once a snapshot is taken; BackupPolicyIT runs it.
          "core/secrets watch",
          // A restore creates a snapshot's objects and lifts its hold on them; RestoreRequestIT
          // runs one.
          "beastmode.io/regions create",
          "beastmode.io/regions patch",
          "beastmode.io/modelpools create",
          "beastmode.io/modelpools patch",
          "beastmode.io/apikeys create",
          "beastmode.io/apikeys patch",
          "beastmode.io/llmrouters create",
          "beastmode.io/servicelevelobjectives create",
          "beastmode.io/servicelevelobjectives patch",
          "beastmode.io/backuppolicies create",
          "beastmode.io/backuppolicies patch",
          "beastmode.io/restorerequests/status patch",
          // A drill removes what it restored into its scratch namespace; BackupPolicyIT runs one.
          "beastmode.io/modelpools delete",
          "beastmode.io/llmrouters delete",
          "beastmode.io/apikeys delete",
          "beastmode.io/servicelevelobjectives delete",
          "beastmode.io/backuppolicies delete");

  /** Every authenticated user may ask what it may do (the default system:basic-user role). */
  static final Set<String> GRANTED_TO_EVERYONE =
      Set.of("authorization.k8s.io/selfsubjectrulesreviews create");

  @TempDir Path work;

  @Test
  void theOperatorNeedsExactlyTheChartsRbac() throws Exception {
    Path policy =
        Files.writeString(work.resolve("audit-policy.yaml"), ApiServer.AUDIT_EVERY_REQUEST);
    Path auditLog = work.resolve("audit.log");
    try (var server =
        ApiServer.start(
            Map.of(
                "--audit-policy-file",
                policy.toString(),
                "--audit-log-path",
                auditLog.toString()))) {
      server.withCrdsFrom(Helm.CHART.resolve("crds")).withPlatformCrds(PlatformCrds.HUB);
      var chart = Helm.install(server);
      var admin = server.client();
      var workloads = new FakeWorkloadController(admin);
      var leaderElection = new OperatorLeaderElection(() -> {});
      var lease =
          leaderElection.configuration(
              Helm.operatorEnv(chart, "BEASTMODE_LEADER_ELECTION_LEASE_NAME"),
              Helm.NAMESPACE,
              "operator-0");
      try (var serviceAccount = server.clientAs(Helm.SERVICE_ACCOUNT);
          var operator = new OperatorUnderTest(serviceAccount, lease)) {
        for (Path file :
            Stream.concat(
                    ApiServer.yamlFiles(Path.of("k8s", "examples")).stream(),
                    Stream.of(Path.of("src", "test", "resources", "rbac", "entry-points.yaml")))
                .toList()) {
          for (HasMetadata object : server.load(file)) {
            admin.resource(object).fieldManager("kubectl").serverSideApply();
          }
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(
                          admin
                              .apps()
                              .deployments()
                              .inNamespace("beastmode-demo")
                              .withName("assistant")
                              .get())
                      .isNotNull();
                  // eu-west is probed (Degraded: no router heartbeats without Redis); the members'
                  // kubeconfig Secrets are
                  // missing, so their routers never start and eu-west takes all the traffic.
                  assertThat(
                          admin.resources(Region.class).withName("eu-west").get().getStatus().phase)
                      .isNotNull();
                  assertThat(
                          admin.resources(Region.class).withName("us-east").get().getStatus().phase)
                      .isEqualTo(RegionPhase.Unreachable);
                  assertThat(
                          admin
                              .resources(ModelPool.class)
                              .inNamespace("beastmode-demo")
                              .withName("openai")
                              .get()
                              .getStatus()
                              .modelCount)
                      .isEqualTo(2);
                  assertThat(
                          admin
                              .resources(LLMRouter.class)
                              .inNamespace("beastmode-demo")
                              .withName("assistant")
                              .get()
                              .getStatus()
                              .readyRegions)
                      .isEqualTo("1/3");
                  assertThat(
                          admin
                              .resources(ServiceLevelObjective.class)
                              .inNamespace("beastmode-demo")
                              .withName("assistant")
                              .get()
                              .getStatus())
                      .isNotNull();
                  assertThat(
                          admin
                              .genericKubernetesResources(
                                  "monitoring.coreos.com/v1", "PrometheusRule")
                              .inNamespace("beastmode-demo")
                              .withName("assistant-burn-rate")
                              .get())
                      .isNotNull();
                  assertThat(
                          admin
                              .genericKubernetesResources(
                                  "gateway.networking.k8s.io/v1", "HTTPRoute")
                              .inNamespace("beastmode-demo")
                              .withName("assistant")
                              .get()
                              .<Integer>get("spec", "rules", 0, "backendRefs", 0, "weight"))
                      .isEqualTo(100);
                  assertThat(
                          admin
                              .genericKubernetesResources(
                                  "externaldns.k8s.io/v1alpha1", "DNSEndpoint")
                              .inNamespace("beastmode-demo")
                              .withName("assistant")
                              .get()
                              .<String>get("spec", "endpoints", 0, "providerSpecific", 0, "value"))
                      .isEqualTo("100");
                });
        // Deleting the router runs its cleanup: its objects are deleted and the finalizer removed.
        // Cleanup
        // waits for unreachable regions, so the router leaves the members first (a merge patch, as
        // kubectl
        // patch sends it: no resourceVersion to conflict with the operator's status writes).
        var router =
            admin.resources(LLMRouter.class).inNamespace("beastmode-demo").withName("assistant");
        router.patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"regions\":[{\"name\":\"eu-west\",\"replicas\":2}]}}");
        router.delete();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(router.get()).isNull();
                  assertThat(
                          admin
                              .apps()
                              .deployments()
                              .inNamespace("beastmode-demo")
                              .withName("assistant")
                              .get())
                      .isNull();
                });
        leaderElection.shuttingDown();
      } finally {
        workloads.close();
      }

      var requests = serviceAccountRequests(auditLog);
      Set<String> forbidden =
          requests.stream()
              .filter(r -> r.code() == 403)
              .map(Request::describe)
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(forbidden).as("requests of the operator the chart's RBAC forbids").isEmpty();
      Set<String> used =
          requests.stream()
              .flatMap(Request::permissions)
              .collect(Collectors.toCollection(TreeSet::new));
      used.removeAll(GRANTED_TO_EVERYONE);
      var granted = granted(chart);
      assertThat(used).as("permissions used but not granted").isSubsetOf(granted);
      Set<String> unused = new TreeSet<>(granted);
      unused.removeAll(used);
      assertThat(unused)
          .as("permissions granted but not used by the operator (or not listed as out of reach)")
          .containsExactlyInAnyOrderElementsOf(NOT_EXERCISED);
    }
  }

  /** One request the operator made, as the audit log records it. */
  record Request(
      String verb, String group, String resource, String namespace, String name, int code) {
    /** "group/resource verb"; a server-side apply that created its object needed create too. */
    Stream<String> permissions() {
      String permission = group + "/" + resource + " " + verb;
      return verb.equals("patch") && code == 201
          ? Stream.of(permission, group + "/" + resource + " create")
          : Stream.of(permission);
    }

    String describe() {
      return verb
          + " "
          + group
          + "/"
          + resource
          + " "
          + (namespace == null ? "" : namespace + "/")
          + (name == null ? "" : name);
    }
  }

  private static List<Request> serviceAccountRequests(Path auditLog) throws IOException {
    var mapper = new ObjectMapper();
    try (var lines = Files.lines(auditLog)) {
      return lines
          .map(line -> read(mapper, line))
          .filter(
              e ->
                  Helm.SERVICE_ACCOUNT.equals(e.path("impersonatedUser").path("username").asText())
                      && e.has("objectRef"))
          .map(
              e -> {
                var ref = e.get("objectRef");
                String resource =
                    ref.path("resource").asText()
                        + (ref.has("subresource") ? "/" + ref.get("subresource").asText() : "");
                String group = ref.path("apiGroup").asText("");
                return new Request(
                    e.get("verb").asText(),
                    group.isEmpty() ? "core" : group,
                    resource,
                    ref.path("namespace").asText(null),
                    ref.path("name").asText(null),
                    e.path("responseStatus").path("code").asInt());
              })
          .toList();
    }
  }

  private static JsonNode read(ObjectMapper mapper, String line) {
    try {
      return mapper.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "group/resource verb" for every verb the chart's ClusterRole and Role grant. */
  private static Set<String> granted(List<HasMetadata> chart) {
    return chart.stream()
        .flatMap(
            o ->
                o instanceof ClusterRole c
                    ? c.getRules().stream()
                    : o instanceof Role r ? r.getRules().stream() : Stream.<PolicyRule>empty())
        .flatMap(
            rule ->
                rule.getApiGroups().stream()
                    .flatMap(
                        group ->
                            rule.getResources().stream()
                                .flatMap(
                                    resource ->
                                        rule.getVerbs().stream()
                                            .map(
                                                verb ->
                                                    (group.isEmpty() ? "core" : group)
                                                        + "/"
                                                        + resource
                                                        + " "
                                                        + verb))))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
