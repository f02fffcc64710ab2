package io.beastmode.operator.recovery.snapshot;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a snapshot is: where and when it was taken, the points it was cut at, and a SHA-256 of every
 * object and Redis entry it holds. Made by {@link Snapshot.Builder} from the content, so the
 * digests always describe it; {@link Snapshot} refuses a manifest that does not. Its maps and set
 * are copies that iterate in name order.
 *
 * @param formatVersion the snapshot format, {@link #FORMAT_VERSION}
 * @param operatorVersion the version of the operator that took it
 * @param sourceCluster identity of the cluster it was taken from
 * @param takenAt when the collection started
 * @param policy the BackupPolicy that took it
 * @param resourceVersions per kind, the resourceVersion of the list its objects were read from
 * @param redisCuts per region reached, when its Redis state was read
 * @param redisUnreached regions whose Redis could not be reached: the snapshot holds none of their
 *     state
 * @param objectCount how many Kubernetes objects the snapshot holds
 * @param redisEntryCount how many Redis entries the snapshot holds
 * @param objects each object's identity and the SHA-256 of its JSON, in the order held
 * @param redisEntries each Redis entry's identity and the SHA-256 of its DUMP payload, in the order
 *     held
 * @param baseSnapshot null for a whole snapshot; for a change set (continuous mode), the snapshot
 *     it applies on top of: the change set holds the objects changed or added since that snapshot,
 *     and names in {@code removed} those deleted since
 * @param removed objects of the base that no longer exist; empty for a whole snapshot
 */
public record SnapshotManifest(
    int formatVersion,
    String operatorVersion,
    String sourceCluster,
    Instant takenAt,
    Policy policy,
    Map<String, String> resourceVersions,
    Map<String, Instant> redisCuts,
    Set<String> redisUnreached,
    int objectCount,
    int redisEntryCount,
    List<ObjectDigest> objects,
    List<EntryDigest> redisEntries,
    String baseSnapshot,
    List<ObjectId> removed) {

  /** The one format this operator writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The BackupPolicy a snapshot was taken for. */
  public record Policy(String namespace, String name) {
    public Policy {
      requireText(namespace, "policy namespace");
      requireText(name, "policy name");
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /** One Kubernetes object: its identity and the SHA-256 (lower-case hex) of its JSON. */
  public record ObjectDigest(String kind, String namespace, String name, String sha256) {
    public ObjectDigest {
      Snapshot.KubeObject.checkIdentity(kind, namespace, name);
      requireSha256(sha256);
    }

    /** The object as messages name it, e.g. {@code Secret shop/openai} or {@code Region eu}. */
    public String describe() {
      return Snapshot.KubeObject.describe(kind, namespace, name);
    }
  }

  /** An object named without content: one a change set removes. */
  public record ObjectId(String kind, String namespace, String name) {
    public ObjectId {
      Snapshot.KubeObject.checkIdentity(kind, namespace, name);
    }

    /** The object as messages name it. */
    public String describe() {
      return Snapshot.KubeObject.describe(kind, namespace, name);
    }
  }

  /** One Redis entry: its region and key, and the SHA-256 (lower-case hex) of its DUMP payload. */
  public record EntryDigest(String region, String key, String sha256) {
    public EntryDigest {
      Snapshot.RedisEntry.checkIdentity(region, key);
      requireSha256(sha256);
    }

    /** The entry as messages name it. */
    public String describe() {
      return Snapshot.RedisEntry.describe(region, key);
    }
  }

  public SnapshotManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "format version " + formatVersion + " is not " + FORMAT_VERSION);
    }
    requireText(operatorVersion, "operator version");
    requireText(sourceCluster, "source cluster");
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(policy, "policy");
    resourceVersions = sortedCopy(resourceVersions, "resource version of kind");
    redisCuts = sortedCopy(redisCuts, "Redis cut of region");
    TreeSet<String> unreached = new TreeSet<>();
    for (String region : Objects.requireNonNull(redisUnreached, "redisUnreached")) {
      requireText(region, "unreached region");
      if (redisCuts.containsKey(region)) {
        throw new IllegalArgumentException(
            "region " + region + " has a Redis cut and is listed as not reached");
      }
      unreached.add(region);
    }
    redisUnreached = Collections.unmodifiableSortedSet(unreached);
    objects = List.copyOf(objects);
    redisEntries = List.copyOf(redisEntries);
    removed = List.copyOf(removed);
    if (baseSnapshot == null && !removed.isEmpty()) {
      throw new IllegalArgumentException(
          "a whole snapshot removes nothing; only a change set does");
    }
    if (baseSnapshot != null && (!redisCuts.isEmpty() || !redisUnreached.isEmpty())) {
      throw new IllegalArgumentException(
          "a change set holds no Redis state; that of its base snapshot is restored");
    }
  }

  /** Whether this is a change set on top of {@link #baseSnapshot}, not a whole snapshot. */
  public boolean changeSet() {
    return baseSnapshot != null;
  }

  private static <V> Map<String, V> sortedCopy(Map<String, V> map, String what) {
    TreeMap<String, V> copy = new TreeMap<>();
    for (var e : Objects.requireNonNull(map, what).entrySet()) {
      requireText(e.getKey(), what);
      copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), what + " " + e.getKey()));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  public static void requireText(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " is missing");
    }
  }

  private static void requireSha256(String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a SHA-256 is 64 lower-case hex digits");
    }
  }
}
