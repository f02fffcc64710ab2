package io.beastmode.bench;

import static io.beastmode.bench.Timing.median;
import static io.beastmode.bench.Timing.round;
import static io.beastmode.bench.Timing.seconds;
import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicySpec;
import io.beastmode.api.v1alpha1.BackupTarget;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveSpec;
import io.beastmode.api.v1alpha1.SloTargets;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.recovery.restore.RestorePoints;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.store.RegionSecretStore;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Losing the hub at scale. A hub holding about 1,000 BEAST MODE objects and Secrets (routers in two
 * member regions, on real API servers, with a Redis each) is backed up into a member region; the
 * backup is timed and sized. Continuous mode's RPO is measured as the time from an edit on the hub
 * to the change set holding it being in the target. Then the hub is lost, and the same restore
 * point is restored twice into fresh API servers with the operator running, each timed until every
 * restored router is Ready: once by a RestoreRequest, and once the way Velero restores, one object
 * at a time (created, then its status written), in the same run.
 */
public final class DrBench {
  static final Path RESULTS = Path.of("bench", "results");
  static final String NS = "bench-dr";
  static final String SYSTEM = "beast-mode-system";
  static final List<String> MEMBERS = List.of("east", "west");
  static final int ROUTERS = Integer.getInteger("beastmode.bench.routers", 40);
  static final int POOLS = Integer.getInteger("beastmode.bench.pools", 160);
  static final int KEYS = Integer.getInteger("beastmode.bench.keys", 300);
  static final int RPO_TRIALS = Integer.getInteger("beastmode.bench.rpo-trials", 5);
  static final long TIMEOUT_MS = 600_000;

  private final Map<String, ApiServer> members = new LinkedHashMap<>();
  private final Map<String, RedisServer> redis = new LinkedHashMap<>();
  private final Running running = new Running();
  private final String keyValue;

  private DrBench() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    keyValue = Base64.getEncoder().encodeToString(key);
  }

  public static void main(String[] args) {
    var bench = new DrBench();
    try {
      bench.run();
    } catch (Exception e) {
      // Exit at once: exec:java would otherwise wait for the client threads a failed run leaves.
      e.printStackTrace();
      bench.close();
      System.exit(1);
    }
    bench.close();
    System.exit(0);
  }

  void run() throws Exception {
    for (String member : MEMBERS) {
      var server = ApiServer.start();
      running.add(server);
      members.put(member, server);
      running.add(new FakeWorkloadController(server.client()));
      var store = RedisServer.start();
      running.add(store);
      redis.put(member, store);
    }
    var result = new LinkedHashMap<String, Object>();
    try (var lost = ApiServer.start().withCrds();
        var operator = new OperatorUnderTest(lost.client())) {
      var hub = lost.client();
      platform(hub);
      long objects = populate(hub);
      System.out.printf(
          "hub holds %d objects; waiting for %d routers Ready ...%n", objects, ROUTERS);
      waitFor(() -> allRoutersReady(hub), "every router Ready on the hub");

      long backupStart = System.nanoTime();
      var record = HubRecovery.backupNow(hub, NS, "nightly", "bench", TIMEOUT_MS);
      double backupSeconds = seconds(backupStart);
      System.out.printf(
          Locale.ROOT,
          "backup: %.2f s, %d objects, %d bytes sealed%n",
          backupSeconds,
          record.objects,
          record.sizeBytes);
      result.put("objects", record.objects);
      result.put("backup_seconds", round(backupSeconds));
      result.put("backup_bytes", record.sizeBytes);

      var rpo = continuousRpo(hub);
      result.put("continuous_rpo_seconds", round(median(rpo)));
      result.put("continuous_rpo_trials", rpo.stream().map(Timing::round).toList());
    }
    // The hub is gone. Its snapshots are in the east region's cluster.
    var opened = latest();
    System.out.printf("restoring %s ...%n", opened.name());

    double parallel = restoreByRequest(result);
    // Velero's server talks to the API server through a client limited to 20 requests a second
    // (burst 30) unless told otherwise; the same one-at-a-time restore without that limit is
    // reported beside it.
    double sequential = restoreOneAtATime(new RateLimit(20, 30), "as Velero, 20 requests/s");
    double unthrottled = restoreOneAtATime(null, "without a request limit");
    result.put("restore_seconds", round(parallel));
    result.put("sequential_restore_seconds", round(sequential));
    result.put("speedup", round(sequential / parallel));
    result.put("sequential_unlimited_restore_seconds", round(unthrottled));
    result.put("speedup_over_unlimited", round(unthrottled / parallel));
    result.put("restored_snapshot", opened.name());
    result.put(
        "setup",
        Map.of(
            "routers", ROUTERS,
            "model_pools", POOLS,
            "api_keys", KEYS,
            "regions", MEMBERS,
            "target", "region east (chunked Secrets)"));
    write(result);
  }

  /** Edits a pool on the hub and times until a change set holding the edit is in the target. */
  List<Double> continuousRpo(KubernetesClient hub) throws Exception {
    Fixtures.edit(
        hub.resources(BackupPolicy.class).inNamespace(NS).withName("nightly"),
        p -> p.getSpec().continuous.enabled = true);
    // Continuous mode starts on top of a whole snapshot of its own.
    waitFor(
        () -> {
          var status = policy(hub).getStatus();
          return status.continuous != null && status.continuous.baseSnapshot != null;
        },
        "continuous mode started");
    String base = policy(hub).getStatus().continuous.baseSnapshot;
    var store = new RegionSecretStore(members.get("east").client(), NS, "east");
    var trials = new ArrayList<Double>();
    for (int trial = 1; trial <= RPO_TRIALS; trial++) {
      int before = newestChangeSet(store, base);
      String value = "trial-" + trial;
      long start = System.nanoTime();
      Fixtures.edit(
          hub.resources(ModelPool.class).inNamespace(NS).withName("pool-0"),
          p -> p.getMetadata().getLabels().put("bench", value));
      waitFor(() -> newestChangeSet(store, base) > before, "a change set after the edit");
      double seconds = seconds(start);
      var latest = RestorePoints.latest(store, "nightly", key());
      boolean held =
          latest.snapshot().objects().stream()
              .filter(o -> o.kind().equals("ModelPool") && o.name().equals("pool-0"))
              .anyMatch(o -> new String(o.json()).contains("\"bench\":\"" + value + "\""));
      if (!held) {
        // A change set written for an earlier event may land first: wait for the one with it.
        waitFor(
            () -> {
              try {
                return RestorePoints.latest(store, "nightly", key()).snapshot().objects().stream()
                    .anyMatch(
                        o ->
                            o.name().equals("pool-0")
                                && new String(o.json()).contains("\"bench\":\"" + value + "\""));
              } catch (Exception e) {
                return false;
              }
            },
            "the change set holding the edit");
        seconds = seconds(start);
      }
      trials.add(seconds);
      System.out.printf(Locale.ROOT, "continuous RPO trial %d: %.2f s%n", trial, seconds);
      Thread.sleep(3000);
    }
    return trials;
  }

  private static int newestChangeSet(SnapshotStore store, String base) {
    try {
      return store.list().stream()
          .map(SnapshotStore.Stored::name)
          .filter(n -> SnapshotNames.baseOf(n).filter(base::equals).isPresent())
          .mapToInt(SnapshotNames::sequenceOf)
          .max()
          .orElse(0);
    } catch (SnapshotStore.Unavailable e) {
      return 0;
    }
  }

  /** A fresh hub, a RestoreRequest: seconds from its creation to every restored router Ready. */
  double restoreByRequest(Map<String, Object> result) throws Exception {
    try (var fresh = ApiServer.start().withCrds();
        var operator = new OperatorUnderTest(fresh.client())) {
      var hub = fresh.client();
      platform(hub);
      var request = HubRecovery.request(NS, "after");
      request.getSpec().source = new BackupTarget();
      request.getSpec().source.region = "east";
      request.getSpec().encryptionKeySecretRef = new SecretKeyReference("backup-key", null, "key");
      long start = System.nanoTime();
      hub.resource(request).create();
      waitFor(() -> HubRecovery.applied(hub, NS, "after"), "the objects applied");
      double applied = seconds(start);
      waitFor(() -> allRoutersReady(hub), "every router Ready");
      double seconds = seconds(start);
      waitFor(() -> HubRecovery.succeeded(hub, NS, "after"), "the RestoreRequest Succeeded");
      var status = HubRecovery.get(hub, NS, "after").getStatus();
      System.out.printf(
          Locale.ROOT,
          "restore by RestoreRequest: objects applied at %.2f s, every router Ready at %.2f s"
              + " (status: %d created, %d taken over, measuredRtoSeconds %d)%n",
          applied,
          seconds,
          status.restoredObjects,
          status.adoptedObjects,
          status.measuredRtoSeconds);
      result.put("restore_applied_seconds", round(applied));
      result.put("restore_created", status.restoredObjects);
      result.put("restore_adopted", status.adoptedObjects);
      result.put("restore_measured_rto_seconds", status.measuredRtoSeconds);
      return seconds;
    }
  }

  /**
   * A fresh hub, the same restore point applied the way Velero restores: one object at a time, each
   * created and then its status written, in the same kind order; seconds from opening the snapshot
   * to every router Ready.
   */
  double restoreOneAtATime(RateLimit limit, String how) throws Exception {
    try (var fresh = ApiServer.start().withCrds();
        var operator = new OperatorUnderTest(fresh.client())) {
      var hub = fresh.client();
      platform(hub);
      long start = System.nanoTime();
      // Opened again inside the timing, as the RestoreRequest does.
      var snapshot = latest().snapshot();
      List<String> order =
          List.of(
              "Secret",
              "Region",
              "ModelPool",
              "ApiKey",
              "LLMRouter",
              "ServiceLevelObjective",
              "BackupPolicy");
      int created = 0;
      for (String kind : order) {
        for (var object : snapshot.objects()) {
          if (object.kind().equals(kind) && createOne(hub, object, limit)) {
            created++;
          }
        }
      }
      double applied = seconds(start);
      waitFor(() -> allRoutersReady(hub), "every router Ready");
      double seconds = seconds(start);
      System.out.printf(
          Locale.ROOT,
          "restore one at a time, %s: objects applied at %.2f s, every router Ready at %.2f s"
              + " (%d created)%n",
          how,
          applied,
          seconds,
          created);
      return seconds;
    }
  }

  /** Creates one object as it was (without owner references, as Velero does), then its status. */
  private static boolean createOne(
      KubernetesClient hub, Snapshot.KubeObject object, RateLimit limit) throws Exception {
    var json = (ObjectNode) Serialization.jsonMapper().readTree(object.json());
    var metadata = (ObjectNode) json.get("metadata");
    metadata.remove(List.of("uid", "ownerReferences"));
    var status = json.remove("status");
    var resource = Serialization.jsonMapper().treeToValue(json, GenericKubernetesResource.class);
    RateLimit.take(limit);
    var existing = hub.resource(resource).get();
    if (existing != null) {
      return false; // what the new hub already has (the platform made by hand)
    }
    RateLimit.take(limit);
    var made = hub.resource(resource).create();
    if (status != null && !object.kind().equals("Secret")) {
      made.setAdditionalProperty(
          "status", Serialization.jsonMapper().treeToValue(status, Map.class));
      // A merge patch without a resourceVersion: the operator may have written status already.
      made.getMetadata().setResourceVersion(null);
      RateLimit.take(limit);
      hub.resource(made).patchStatus();
    }
    return true;
  }

  /**
   * A token bucket, as client-go's default rate limiter: {@code perSecond}, up to {@code burst}.
   */
  static final class RateLimit {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    RateLimit(double perSecond, int burst) {
      this.perSecond = perSecond;
      this.burst = burst;
      this.tokens = burst;
    }

    static void take(RateLimit limit) throws InterruptedException {
      if (limit != null) {
        limit.take();
      }
    }

    void take() throws InterruptedException {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens < 1) {
        long waitNanos = (long) ((1 - tokens) / perSecond * 1e9);
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        tokens = 1;
        last = System.nanoTime();
      }
      tokens -= 1;
    }
  }

  private RestorePoints.Opened latest() throws Exception {
    var store = new RegionSecretStore(members.get("east").client(), NS, "east");
    return RestorePoints.latest(store, null, key());
  }

  private SnapshotKey key() throws Exception {
    return SnapshotKey.fromValue(Base64.getDecoder().decode(keyValue));
  }

  /** What an operator recreates by hand on a new hub: namespaces, Regions, kubeconfigs, the key. */
  private void platform(KubernetesClient hub) {
    for (String ns : List.of(NS, SYSTEM)) {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    for (String member : MEMBERS) {
      hub.secrets()
          .inNamespace(SYSTEM)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(member + "-kubeconfig")
                  .endMetadata()
                  .withStringData(Map.of("kubeconfig", members.get(member).kubeconfig()))
                  .build())
          .create();
      Region region = memberRegion(member, 1, SYSTEM, member + "-kubeconfig");
      region.getSpec().redis = new RegionRedis();
      region.getSpec().redis.url = redis.get(member).url();
      hub.resource(region).create();
    }
    hub.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("backup-key")
                .endMetadata()
                .withStringData(Map.of("key", keyValue))
                .build())
        .create();
  }

  /**
   * Model pools with a credentials Secret each, routers over them in both members with an SLO each,
   * API keys (each with the Secret the operator makes for it), and the backup policy.
   */
  private long populate(KubernetesClient hub) {
    var random = new SecureRandom();
    for (int i = 0; i < POOLS; i++) {
      // A provider key and an organisation id, as model credentials hold.
      byte[] token = new byte[48 + random.nextInt(400)];
      random.nextBytes(token);
      hub.secrets()
          .inNamespace(NS)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("pool-" + i + "-credentials")
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "apiKey", "sk-" + Base64.getEncoder().encodeToString(token),
                          "organization", "org-" + i))
                  .build())
          .create();
      var m = model("model-" + i, 0.1 + i % 7, 0.4 + i % 11, 0.5 + (i % 5) / 10.0);
      m.credentialsSecretRef = new SecretKeyReference("pool-" + i + "-credentials", null, "apiKey");
      var p = pool(NS, "pool-" + i, m);
      p.getMetadata().setLabels(new java.util.HashMap<>(Map.of("team", "t" + i % 9)));
      hub.resource(p).create();
    }
    for (int i = 0; i < ROUTERS; i++) {
      var pools = List.of("pool-" + (i * 4) % POOLS, "pool-" + (i * 4 + 1) % POOLS);
      hub.resource(router(NS, "router-" + i, pools, MEMBERS.toArray(String[]::new))).create();
      var slo = new ServiceLevelObjective();
      slo.setMetadata(new ObjectMetaBuilder().withName("router-" + i).withNamespace(NS).build());
      slo.setSpec(new ServiceLevelObjectiveSpec());
      slo.getSpec().routerRef = new NamedReference("router-" + i);
      slo.getSpec().targets = new SloTargets();
      slo.getSpec().targets.availabilityPercent = 99.5;
      hub.resource(slo).create();
    }
    for (int i = 0; i < KEYS; i++) {
      var apiKey = new ApiKey();
      apiKey.setMetadata(new ObjectMetaBuilder().withName("key-" + i).withNamespace(NS).build());
      apiKey.setSpec(new ApiKeySpec());
      apiKey.getSpec().routers = List.of(new NamedReference("router-" + i % ROUTERS));
      apiKey.getSpec().tenant = "tenant-" + i % 25;
      hub.resource(apiKey).create();
    }
    var policy = new BackupPolicy();
    policy.setMetadata(
        new ObjectMetaBuilder()
            .withName("nightly")
            .withNamespace(NS)
            .withAnnotations(new java.util.HashMap<>())
            .build());
    policy.setSpec(new BackupPolicySpec());
    policy.getSpec().schedule = "@daily";
    policy.getSpec().target = new BackupTarget();
    policy.getSpec().target.region = "east";
    policy.getSpec().encryptionKeySecretRef = new SecretKeyReference("backup-key", null, "key");
    hub.resource(policy).create();
    waitFor(
        () -> hub.secrets().inNamespace(NS).list().getItems().size() >= POOLS + KEYS + 1,
        "every API key's Secret");
    return (long) POOLS * 2 + ROUTERS * 2L + KEYS * 2L + MEMBERS.size() * 2L + 1;
  }

  private static BackupPolicy policy(KubernetesClient hub) {
    return hub.resources(BackupPolicy.class).inNamespace(NS).withName("nightly").get();
  }

  private static boolean allRoutersReady(KubernetesClient hub) {
    var routers = hub.resources(LLMRouter.class).inNamespace(NS).list().getItems();
    return routers.size() == ROUTERS
        && routers.stream()
            .allMatch(
                r -> r.getStatus() != null && Conditions.isTrue(r.getStatus(), Conditions.READY));
  }

  private void write(Map<String, Object> result) throws Exception {
    double restore = (double) result.get("restore_seconds");
    double sequential = (double) result.get("sequential_restore_seconds");
    double rpo = (double) result.get("continuous_rpo_seconds");
    double unlimited = (double) result.get("sequential_unlimited_restore_seconds");
    String md =
        String.format(
            Locale.ROOT,
            """
            # Disaster recovery benchmark (`make bench-dr`)

            A hub with %d objects (%d routers in two member regions with an SLO each, %d model
            pools with a credentials Secret each, %d API keys with their Secrets, Regions,
            kubeconfigs, the backup policy), real API servers and a Redis per region on one
            machine; snapshots in the east region's cluster (chunked Secrets).

            | measure | value | target |
            |---|---|---|
            | backup (annotation to snapshot in the target) | %.2f s, %d bytes sealed | |
            | restore by RestoreRequest, to every router Ready (objects applied at %.2f s) | %.2f s | ≤ 30 s %s |
            | one object at a time as Velero restores (20 requests/s, burst 30), same snapshot | %.2f s | |
            | speed-up | %.1f× | ≥ 5× %s |
            | one object at a time without a request limit, same snapshot | %.2f s | |
            | speed-up over that | %.1f× | |
            | continuous mode RPO (edit to change set in the target), median of %d | %.2f s | ≤ 10 s %s |

            Each restore goes into a fresh, empty API server with the operator running, and is
            timed until every restored router is Ready; the member regions' routers keep running
            throughout and are taken over as they are. One object at a time means a GET, a create
            and a status write per object, in the same kind order, by one client; Velero's server
            limits its client to 20 requests a second (burst 30) by default. On loopback the
            unlimited one-at-a-time apply is fast, and the routers' return to Ready (their Regions
            probed again, their Deployments read in every member) takes most of either restore.
            """,
            result.get("objects"),
            ROUTERS,
            POOLS,
            KEYS,
            result.get("backup_seconds"),
            result.get("backup_bytes"),
            result.get("restore_applied_seconds"),
            restore,
            restore <= 30 ? "met" : "missed",
            sequential,
            sequential / restore,
            sequential / restore >= 5 ? "met" : "missed",
            unlimited,
            unlimited / restore,
            RPO_TRIALS,
            rpo,
            rpo <= 10 ? "met" : "missed");
    BenchResults.write(RESULTS.resolve("dr"), result, md);
    System.out.println(md);
  }

  private void close() {
    running.close();
  }

  static void waitFor(BooleanSupplier condition, String what) {
    Timing.waitFor(condition, TIMEOUT_MS, what);
  }
}
