package io.beastmode.operator.recovery.restore;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.snapshot.SnapshotRejected;
import io.beastmode.operator.recovery.snapshot.SnapshotSeal;
import io.beastmode.operator.recovery.store.SnapshotStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The states a store can restore: a whole snapshot, or a whole snapshot with a change set of
 * continuous mode folded in. Each part is opened and checked on its own before anything is folded,
 * so a restore point that fails a check is never returned, even partly.
 */
public final class RestorePoints {
  private RestorePoints() {}

  /**
   * A restore point, opened and checked.
   *
   * @param name the whole snapshot's name, or the change set's (which starts with its base's)
   */
  public record Opened(String name, Snapshot snapshot) {}

  /**
   * The newest restore point: the newest whole snapshot (of {@code policy}, or of any policy when
   * null) with its newest change set, if it has one.
   */
  public static Opened latest(SnapshotStore store, String policy, SnapshotKey key)
      throws SnapshotStore.Unavailable, SnapshotStore.Missing, SnapshotRejected {
    try {
      return open(store, newest(store, policy), key);
    } catch (SnapshotStore.Missing e) {
      // Continuous mode replaced the change set between the listing and the read: list again.
      return open(store, newest(store, policy), key);
    }
  }

  /** The name of the newest restore point, without opening it. */
  public static String newest(SnapshotStore store, String policy)
      throws SnapshotStore.Unavailable, SnapshotStore.Missing {
    List<String> names = store.list().stream().map(SnapshotStore.Stored::name).toList();
    String base =
        names.stream()
            .filter(
                n ->
                    policy == null
                        ? SnapshotNames.takenAt(n).isPresent()
                        : SnapshotNames.of(n, policy))
            .max(
                Comparator.comparing((String n) -> SnapshotNames.takenAt(n).orElse(Instant.MIN))
                    .thenComparing(Comparator.naturalOrder()))
            .orElseThrow(() -> new SnapshotStore.Missing("the source holds no snapshot"));
    return newestChangeSet(names, base).orElse(base);
  }

  /** The named restore point: a whole snapshot alone, or a change set on top of its base. */
  public static Opened open(SnapshotStore store, String name, SnapshotKey key)
      throws SnapshotStore.Unavailable, SnapshotStore.Missing, SnapshotRejected {
    Optional<String> base = SnapshotNames.baseOf(name);
    if (base.isEmpty()) {
      Snapshot whole = SnapshotSeal.open(store.get(name), key);
      if (whole.manifest().changeSet()) {
        throw new SnapshotRejected(
            SnapshotRejected.Check.CHAIN, name + " is a change set, not a whole snapshot");
      }
      return new Opened(name, whole);
    }
    Snapshot whole = SnapshotSeal.open(store.get(base.get()), key);
    Snapshot changes = SnapshotSeal.open(store.get(name), key);
    return new Opened(name, fold(base.get(), whole, changes));
  }

  /** The change sets of {@code base} among {@code names}, newest first. */
  public static List<String> changeSets(List<String> names, String base) {
    return names.stream()
        .filter(n -> SnapshotNames.baseOf(n).filter(base::equals).isPresent())
        .sorted(Comparator.comparingInt(SnapshotNames::sequenceOf).reversed())
        .toList();
  }

  /**
   * The policy's change sets whose base is not {@code newest}, its newest whole snapshot: that
   * snapshot holds what they held.
   */
  public static List<String> foldedChangeSets(
      List<SnapshotStore.Stored> stored, BackupPolicy policy, String newest) {
    String name = policy.getMetadata().getName();
    return stored.stream()
        .map(SnapshotStore.Stored::name)
        .filter(
            n ->
                SnapshotNames.baseOf(n)
                    .filter(base -> SnapshotNames.of(base, name) && !base.equals(newest))
                    .isPresent())
        .toList();
  }

  private static Optional<String> newestChangeSet(List<String> names, String base) {
    return changeSets(names, base).stream().findFirst();
  }

  /**
   * The state {@code changes} describes: the base's objects with those it changed or added
   * replaced, those it removed dropped, and the base's Redis state (a change set holds none).
   *
   * @throws SnapshotRejected when the change set is not one of this base
   */
  public static Snapshot fold(String baseName, Snapshot base, Snapshot changes)
      throws SnapshotRejected {
    var b = base.manifest();
    var c = changes.manifest();
    if (b.changeSet()) {
      throw new SnapshotRejected(
          SnapshotRejected.Check.CHAIN, baseName + " is a change set, not a whole snapshot");
    }
    if (!baseName.equals(c.baseSnapshot())) {
      throw new SnapshotRejected(
          SnapshotRejected.Check.CHAIN,
          "the change set applies on top of " + c.baseSnapshot() + ", not " + baseName);
    }
    if (!b.sourceCluster().equals(c.sourceCluster()) || !b.policy().equals(c.policy())) {
      throw new SnapshotRejected(
          SnapshotRejected.Check.CHAIN,
          "the change set and " + baseName + " are of different clusters or policies");
    }
    Map<String, Snapshot.KubeObject> objects = new LinkedHashMap<>();
    base.objects().forEach(o -> objects.put(o.identity(), o));
    c.removed()
        .forEach(
            r -> objects.remove(Snapshot.KubeObject.identity(r.kind(), r.namespace(), r.name())));
    changes.objects().forEach(o -> objects.put(o.identity(), o));
    var folded = Snapshot.builder(c.operatorVersion(), c.sourceCluster(), c.policy(), c.takenAt());
    b.resourceVersions().forEach(folded::listedAt);
    c.resourceVersions().forEach(folded::listedAt);
    b.redisCuts().forEach(folded::redisCut);
    b.redisUnreached().forEach(folded::redisUnreached);
    return folded.objects(List.copyOf(objects.values())).redisEntries(base.redisEntries()).build();
  }
}
