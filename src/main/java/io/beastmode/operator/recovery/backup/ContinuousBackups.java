package io.beastmode.operator.recovery.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.ContinuousBackupStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.DaemonThreads;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotManifest;
import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.snapshot.SnapshotSeal;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.operator.recovery.store.SnapshotStores;
import io.beastmode.wire.Digests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Continuous mode: watches what a policy's snapshots hold and, within the policy's interval of a
 * change, writes a change set (everything changed, added or removed since the newest whole
 * snapshot) to the target, then deletes the change set it replaces. So a restore needs the base and
 * one change set, and loses only the changes of the last few seconds.
 *
 * <p>One writer per policy, started by the BackupPolicy controller when it has taken a whole
 * snapshot to build on. A writer stops itself when its policy is deleted, suspended, held by a
 * restore or leaves continuous mode; it never writes into a target another cluster owns.
 */
public final class ContinuousBackups implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ContinuousBackups.class);

  /** How long a failed write waits before it is tried again, at least. */
  static final Duration RETRY = Duration.ofSeconds(5);

  /**
   * Where a policy's continuous backup stands.
   *
   * @param base the whole snapshot change sets are written on top of
   * @param changeSet the newest change set written; null before the first
   * @param writtenAt when it was written
   * @param changedObjects objects it changes, adds or removes
   * @param pendingSince when the oldest change not yet written was seen; null when none is waiting
   * @param failure why the last write failed; null when it succeeded
   */
  public record Progress(
      String base,
      String changeSet,
      Instant writtenAt,
      int changedObjects,
      Instant pendingSince,
      String failure) {

    /** The data a restore would lose now: changes seen and not yet written. */
    public Duration rpo(Instant now) {
      return pendingSince == null ? Duration.ZERO : Duration.between(pendingSince, now);
    }

    public ContinuousBackupStatus status() {
      var status = new ContinuousBackupStatus();
      status.baseSnapshot = base;
      status.changeSet = changeSet;
      status.writtenAt = writtenAt == null ? null : Timestamps.format(writtenAt);
      status.changedObjects = changeSet == null ? null : changedObjects;
      status.lastError = failure;
      status.pendingSince = pendingSince == null ? null : Timestamps.format(pendingSince);
      return status;
    }
  }

  private final KubernetesClient hub;
  private final SnapshotStores stores;
  private final SnapshotCollector collector;
  private final Clock clock;
  private final ScheduledExecutorService writes =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("continuous-backup"));
  private final Map<String, Writer> writers = new ConcurrentHashMap<>();

  public ContinuousBackups(
      KubernetesClient hub, SnapshotStores stores, SnapshotCollector collector, Clock clock) {
    this.hub = hub;
    this.stores = stores;
    this.collector = collector;
    this.clock = clock;
  }

  /** Whether a writer runs for the policy (and so has a base to write on top of). */
  public boolean running(BackupPolicy policy) {
    return writers.containsKey(id(policy));
  }

  /**
   * Writes the policy's changes from now on on top of {@code base}, a whole snapshot just written
   * as {@code baseName}; starts the writer, or moves a running one to the new base.
   */
  public void start(
      BackupPolicy policy, String cluster, String baseName, Snapshot base, SnapshotKey key) {
    writers.compute(
        id(policy),
        (id, running) -> {
          Writer writer = running != null ? running : new Writer(policy);
          writer.interval = interval(policy);
          writer.rebase(cluster, baseName, base, key);
          if (running == null) {
            writer.watch();
          }
          return writer;
        });
  }

  public Optional<Progress> progress(BackupPolicy policy) {
    return Optional.ofNullable(writers.get(id(policy))).map(w -> w.progress.get());
  }

  public void stop(BackupPolicy policy) {
    stop(id(policy));
  }

  private void stop(String id) {
    Writer writer = writers.remove(id);
    if (writer != null) {
      writer.stopped = true;
      writer.informers.forEach(SharedIndexInformer::close);
    }
  }

  @Override
  public void close() {
    List.copyOf(writers.keySet()).forEach(this::stop);
    writes.shutdownNow();
  }

  private static Duration interval(BackupPolicy policy) {
    return Duration.ofSeconds(policy.getSpec().continuous.intervalSeconds);
  }

  private static String id(BackupPolicy policy) {
    return policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
  }

  /**
   * What a change is compared by: the object's digest, but for a BackupPolicy without its status,
   * which changes because of the backups themselves (writing those would never settle).
   */
  public static String changeDigest(Snapshot.KubeObject object) {
    if (!object.kind().equals(HasMetadata.getKind(BackupPolicy.class))) {
      return Digests.sha256Hex(object.json());
    }
    try {
      var json = (ObjectNode) Serialization.jsonMapper().readTree(object.json());
      json.remove("status");
      return Digests.sha256Hex(json.toString());
    } catch (IOException e) {
      throw new IllegalStateException("an object read from the API server is JSON", e);
    }
  }

  private static Map<String, String> digests(Snapshot snapshot) {
    Map<String, String> digests = new HashMap<>();
    snapshot.objects().forEach(o -> digests.put(o.identity(), changeDigest(o)));
    return digests;
  }

  /** One policy's watches and writes. Writes run one at a time on the shared write thread. */
  private final class Writer {
    private final String namespace;
    private final String name;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private volatile SharedIndexInformer<BackupPolicy> policies;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicReference<Instant> pendingSince = new AtomicReference<>();
    private final AtomicReference<Progress> progress = new AtomicReference<>();
    // Guarded by this: the base and what was written on top of it.
    private String cluster;
    private String baseName;
    private Map<String, SnapshotManifest.ObjectId> baseObjects;
    private Map<String, String> baseDigests;
    private Map<String, String> written;
    private String changeSet;
    private int sequence;
    private SnapshotKey key;
    private Instant lastWrite = Instant.MIN;
    private volatile Duration interval;
    // A write scheduled before the writer stopped finds this and writes nothing.
    private volatile boolean stopped;

    public Writer(BackupPolicy policy) {
      this.namespace = policy.getMetadata().getNamespace();
      this.name = policy.getMetadata().getName();
    }

    public synchronized void rebase(
        String cluster, String baseName, Snapshot base, SnapshotKey key) {
      this.cluster = cluster;
      this.baseName = baseName;
      this.key = key;
      this.baseObjects = new HashMap<>();
      base.objects().forEach(o -> baseObjects.put(o.identity(), o.id()));
      this.baseDigests = digests(base);
      this.written = baseDigests;
      this.changeSet = null;
      this.sequence = 0;
      progress.set(new Progress(baseName, null, null, 0, pendingSince.get(), null));
    }

    /** Any change to the namespace's objects, its Secrets or the Regions triggers a write. */
    public void watch() {
      ResourceEventHandler<HasMetadata> changed =
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata object) {
              changed();
            }

            @Override
            public void onUpdate(HasMetadata before, HasMetadata after) {
              changed();
            }

            @Override
            public void onDelete(HasMetadata object, boolean finalStateUnknown) {
              changed();
            }
          };
      // First: a write reads its policy from this one.
      policies = hub.resources(BackupPolicy.class).inNamespace(namespace).inform(changed);
      informers.add(policies);
      for (var kind : SnapshotCollector.KINDS) {
        if (kind != BackupPolicy.class) {
          informers.add(hub.resources(kind).inNamespace(namespace).inform(changed));
        }
      }
      informers.add(hub.secrets().inNamespace(namespace).inform(changed));
      informers.add(hub.resources(Region.class).inform(changed));
    }

    private void changed() {
      pendingSince.compareAndSet(null, clock.instant());
      schedule(Duration.ZERO);
    }

    private void schedule(Duration atLeast) {
      if (!scheduled.compareAndSet(false, true)) {
        return;
      }
      Duration sinceLast;
      synchronized (this) {
        sinceLast =
            lastWrite.equals(Instant.MIN)
                ? Duration.ofDays(1)
                : Duration.between(lastWrite, clock.instant());
      }
      Duration wait = interval.minus(sinceLast);
      if (wait.compareTo(atLeast) < 0) {
        wait = atLeast;
      }
      writes.schedule(this::write, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void write() {
      // Changes seen from here on schedule the next write.
      scheduled.set(false);
      if (stopped) {
        return;
      }
      var informer = policies;
      if (informer == null || !informer.hasSynced()) {
        // Still starting: the policy cannot be read yet, which is not its deletion.
        schedule(Duration.ofSeconds(1));
        return;
      }
      Instant seen = pendingSince.getAndSet(null);
      try {
        BackupPolicy policy = informer.getStore().getByKey(namespace + "/" + name);
        if (policy == null
            || !policy.getSpec().continuous.enabled
            || policy.getSpec().suspend
            || RestoreHold.held(policy)) {
          stop(namespace + "/" + name);
          return;
        }
        interval = interval(policy);
        writeChangeSet(policy);
      } catch (SnapshotStore.Unavailable | RuntimeException e) {
        LOG.warnf(
            "continuous backup %s/%s: changes not written: %s", namespace, name, e.getMessage());
        pendingSince.compareAndSet(null, seen);
        var last = progress.get();
        progress.set(
            new Progress(
                last.base(),
                last.changeSet(),
                last.writtenAt(),
                last.changedObjects(),
                pendingSince.get(),
                e.getMessage()));
        schedule(RETRY);
      }
    }

    private synchronized void writeChangeSet(BackupPolicy policy) throws SnapshotStore.Unavailable {
      Instant now = clock.instant();
      Snapshot current = collector.collectObjects(policy, cluster, now);
      Map<String, String> digests = digests(current);
      if (digests.equals(written)) {
        progress.set(withPending(progress.get(), pendingSince.get()));
        return;
      }
      var changes =
          Snapshot.builder(
                  current.manifest().operatorVersion(), cluster, current.manifest().policy(), now)
              .changeSetOf(baseName);
      current.manifest().resourceVersions().forEach(changes::listedAt);
      current.objects().stream()
          .filter(o -> !digests.get(o.identity()).equals(baseDigests.get(o.identity())))
          .forEach(changes::object);
      baseObjects.entrySet().stream()
          .filter(e -> !digests.containsKey(e.getKey()))
          .forEach(e -> changes.removed(e.getValue()));
      Snapshot changeSetSnapshot = changes.build();
      byte[] sealed = SnapshotSeal.seal(changeSetSnapshot, key);
      String next = SnapshotNames.changeSet(baseName, sequence + 1);
      try (var store = stores.open(policy.getSpec().target, namespace)) {
        String owner = store.owner();
        if (owner != null && !owner.equals(cluster)) {
          throw new SnapshotStore.Unavailable(
              "the target holds snapshots of cluster " + owner + "; nothing written", null);
        }
        store.put(next, sealed);
        if (changeSet != null) {
          store.delete(changeSet);
        }
      }
      sequence++;
      changeSet = next;
      written = digests;
      lastWrite = now;
      int changed =
          changeSetSnapshot.objects().size() + changeSetSnapshot.manifest().removed().size();
      progress.set(new Progress(baseName, next, now, changed, pendingSince.get(), null));
      LOG.debugf("continuous backup %s/%s: %s, %d objects", namespace, name, next, changed);
    }

    private static Progress withPending(Progress p, Instant pending) {
      return new Progress(
          p.base(), p.changeSet(), p.writtenAt(), p.changedObjects(), pending, p.failure());
    }
  }
}
