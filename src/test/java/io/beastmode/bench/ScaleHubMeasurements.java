package io.beastmode.bench;

import static io.beastmode.bench.ScaleBench.NS;
import static io.beastmode.bench.ScaleBench.SYSTEM;
import static io.beastmode.bench.ScaleBench.log;
import static io.beastmode.bench.ScaleBench.name;
import static io.beastmode.bench.Timing.round;
import static io.beastmode.bench.Timing.seconds;
import static io.beastmode.bench.Timing.waitFor;

import io.beastmode.testing.Fixtures;
import io.beastmode.testing.Ports;
import io.beastmode.testing.ProcessCosts;
import io.beastmode.testing.S3Server;
import io.beastmode.testing.ServerProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub-level part of {@code make bench-scale}: a standby hub in the second region's cluster,
 * both hubs sharing a BackupPolicy to a real S3 server; at each size a backup of the whole hub, a
 * restore of it, and the standby's promotion once the active hub's operator is killed. The two hubs
 * then trade roles: the old hub's operator comes back as the standby.
 */
final class ScaleHubMeasurements {
  /** The region whose cluster runs the standby at the start (the second one). */
  static final int STANDBY_REGION = 2;

  static final String BUCKET = "hub-snapshots";
  static final String POLICY = "hub";
  static final long TIMEOUT_MS = 600_000;

  private final ScaleBench bench;
  private String standbyRegion = name(STANDBY_REGION);
  private String standbyName = "hub-b";
  private ServerProcess standby;
  private int standbyManagementPort;

  ScaleHubMeasurements(ScaleBench bench) {
    this.bench = bench;
  }

  /**
   * The store, the policy and its key in both hubs' clusters, and the standby. Backups are taken on
   * request only (no continuous mode): change sets written through every edit and failover would
   * load the hub while the other figures are measured.
   */
  void start() throws Exception {
    var s3 = bench.running.add(S3Server.start());
    s3.createBucket(BUCKET);
    Fixtures.sharedS3Backup(
        List.of(cluster(bench.hubRegion), cluster(standbyRegion)),
        NS,
        s3.endpoint(),
        BUCKET,
        "scale",
        false);
    Fixtures.namespaces(cluster(standbyRegion), SYSTEM);
    startStandby();
  }

  void startStandby() throws Exception {
    standbyManagementPort = Ports.free();
    standby = bench.startOperator(standbyRegion, standbyName, "standby", standbyManagementPort);
    log("standby hub " + standbyName + " in " + standbyRegion + "'s cluster");
  }

  /** Backup, restore and promotion at the current size, into {@code into}. */
  void measure(Map<String, Object> into) throws Exception {
    int size = bench.regions.size();
    var details = new LinkedHashMap<String, Object>();
    details.put("standby_rss_mib", round(ProcessCosts.rssMiB(standby.pid())));
    backup(size, into, details);
    restore(size, into, details);
    promotion(size, into, details);
    into.put("hub_level", details);
    log("hub level at " + size + " regions: " + details);
  }

  /** A backup taken now: seconds until it is in the store, its size; then the standby's lag. */
  void backup(int size, Map<String, Object> into, Map<String, Object> details) {
    long started = System.nanoTime();
    var snapshot = HubRecovery.backupNow(bench.hub(), NS, POLICY, "scale-" + size, TIMEOUT_MS);
    into.put("hub_backup_seconds", round(seconds(started)));
    details.put("backup_snapshot", snapshot.name);
    details.put("backup_objects", snapshot.objects);
    details.put("backup_bytes", snapshot.sizeBytes);
    waitFor(
        () -> standbyApplied(snapshot.name), TIMEOUT_MS, "the standby applying " + snapshot.name);
    details.put("standby_applied_seconds", round(seconds(started)));
  }

  boolean standbyApplied(String snapshot) {
    var record =
        cluster(standbyRegion)
            .configMaps()
            .inNamespace("default")
            .withName("beastmode-hub-standby")
            .get();
    return record != null
        && record.getData() != null
        && String.valueOf(record.getData().get("appliedRestorePoint")).startsWith(snapshot);
  }

  /**
   * A RestoreRequest of that backup onto the running hub: every object is there as backed up and is
   * taken over, each region's router state written back; seconds until the request has Succeeded
   * (every restored LLMRouter Ready) and every region is Active.
   */
  void restore(int size, Map<String, Object> into, Map<String, Object> details) {
    String request = "restore-" + size;
    var hub = bench.hub();
    long started = System.nanoTime();
    HubRecovery.restoreFromPolicy(hub, NS, request, POLICY);
    waitFor(() -> HubRecovery.applied(hub, NS, request), TIMEOUT_MS, "the objects applied");
    details.put("restore_applied_seconds", round(seconds(started)));
    waitFor(() -> HubRecovery.succeeded(hub, NS, request), TIMEOUT_MS, request + " Succeeded");
    waitFor(bench::everyRegionActive, TIMEOUT_MS, "every region active after the restore");
    into.put("hub_restore_seconds", round(seconds(started)));
    var status = HubRecovery.get(hub, NS, request).getStatus();
    details.put("restore_created", status.restoredObjects);
    details.put("restore_adopted", status.adoptedObjects);
    details.put("restore_conflicts", status.conflicts == null ? 0 : status.conflicts.size());
    details.put("restore_measured_rto_seconds", status.measuredRtoSeconds);
  }

  /**
   * The active hub's operator killed (SIGKILL; its API server stays up, so the standby waits for
   * its Leases to expire, as bench-hub-failover's control-plane loss) and a PromoteStandby request
   * on the standby at once: seconds until the request has Succeeded and every region is Active
   * under the new hub, with clients sending throughout.
   */
  void promotion(int size, Map<String, Object> into, Map<String, Object> details) {
    String request = "promote-" + size;
    var standbyCluster = cluster(standbyRegion);
    long failedBefore = bench.clients.failed.sum();
    long sentBefore = bench.clients.sent.sum();
    long lost = System.nanoTime();
    bench.operator.kill();
    HubRecovery.promoteStandby(standbyCluster, NS, request, standbyRegion, false);
    waitFor(
        () -> HubRecovery.succeeded(standbyCluster, NS, request),
        TIMEOUT_MS,
        "the standby promoted");
    details.put("promotion_succeeded_seconds", round(seconds(lost)));
    String oldRegion = bench.hubRegion;
    String oldName = bench.hubName;
    bench.hubRegion = standbyRegion;
    bench.hubName = standbyName;
    bench.operator = standby;
    bench.operatorManagementPort = standbyManagementPort;
    waitFor(bench::everyRegionActive, TIMEOUT_MS, "every region active under the promoted hub");
    into.put("standby_promotion_seconds", round(seconds(lost)));
    details.put("promotion_steps", HubRecovery.promotionSteps(standbyCluster, NS, request));
    details.put("promotion_requests_sent", bench.clients.sent.sum() - sentBefore);
    details.put("promotion_requests_failed", bench.clients.failed.sum() - failedBefore);
    details.put("new_hub", standbyName + " in " + standbyRegion);
    standbyRegion = oldRegion;
    standbyName = oldName;
    try {
      startStandby();
    } catch (Exception e) {
      throw new IllegalStateException("the old hub did not come back as the standby", e);
    }
  }

  KubernetesClient cluster(String region) {
    return bench.regions.get(region).server.client();
  }
}
