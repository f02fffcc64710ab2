package io.beastmode.operator.recovery.snapshot;

import io.beastmode.wire.Digests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One snapshot in memory: its manifest and what it holds, the Kubernetes objects of a namespace
 * (with the Regions and Secrets they use) and the Redis state of each region reached.
 *
 * <p>Make one with {@link #builder}, which computes the manifest from the content. The constructor
 * refuses a manifest that does not describe the content exactly ({@link Mismatch}), so a snapshot
 * that exists is always consistent.
 *
 * @param manifest what the snapshot is, with a SHA-256 of every object and entry
 * @param objects the Kubernetes objects, in the order taken
 * @param redisEntries the Redis entries, in the order taken
 */
public record Snapshot(
    SnapshotManifest manifest, List<KubeObject> objects, List<RedisEntry> redisEntries) {

  /**
   * The manifest does not describe the content; the message names the first object that differs.
   */
  public static final class Mismatch extends IllegalArgumentException {
    public Mismatch(String message) {
      super(message);
    }
  }

  /**
   * One Kubernetes object as it was read, status included (it carries decisions, such as a router's
   * failover stages).
   *
   * @param apiVersion e.g. {@code beastmode.io/v1alpha1} or {@code v1}
   * @param kind e.g. {@code LLMRouter}, {@code Secret}
   * @param namespace null for a cluster-scoped object (a Region)
   * @param name the object's name
   * @param json the object as JSON; copied in and out
   */
  public record KubeObject(
      String apiVersion, String kind, String namespace, String name, byte[] json) {
    public KubeObject {
      SnapshotManifest.requireText(apiVersion, "apiVersion");
      checkIdentity(kind, namespace, name);
      json = Objects.requireNonNull(json, "json").clone();
    }

    @Override
    public byte[] json() {
      return json.clone();
    }

    /** The object as messages name it, e.g. {@code Secret shop/openai} or {@code Region eu}. */
    public String describe() {
      return describe(kind, namespace, name);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof KubeObject k
          && apiVersion.equals(k.apiVersion)
          && kind.equals(k.kind)
          && Objects.equals(namespace, k.namespace)
          && name.equals(k.name)
          && Arrays.equals(json, k.json);
    }

    @Override
    public int hashCode() {
      return Objects.hash(apiVersion, kind, namespace, name, Arrays.hashCode(json));
    }

    /** Never the content: a Secret's JSON holds its values. */
    @Override
    public String toString() {
      return "KubeObject[" + apiVersion + " " + describe() + ", " + json.length + " bytes]";
    }

    public static void checkIdentity(String kind, String namespace, String name) {
      SnapshotManifest.requireText(kind, "kind");
      SnapshotManifest.requireText(name, "name");
      if (namespace != null && namespace.isEmpty()) {
        throw new IllegalArgumentException("namespace is empty (null for a cluster-scoped object)");
      }
    }

    public static String describe(String kind, String namespace, String name) {
      return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }

    public String identity() {
      return identity(kind, namespace, name);
    }

    /** The object's identity without its content. */
    public SnapshotManifest.ObjectId id() {
      return new SnapshotManifest.ObjectId(kind, namespace, name);
    }

    public static String identity(String kind, String namespace, String name) {
      // Kubernetes names cannot hold a slash, so this never confuses two objects.
      return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }
  }

  /**
   * One Redis key of a region, as {@code DUMP} and {@code PTTL} gave it at the region's cut.
   *
   * @param region the Region whose Redis held it
   * @param key the key
   * @param dump the {@code DUMP} payload, for {@code RESTORE}; copied in and out
   * @param pttlMillis the {@code PTTL} in milliseconds, or -1 for a key without expiry. 0 means the
   *     key was expiring at the cut: do not restore it with {@code RESTORE key 0}, which keeps it
   *     forever
   */
  public record RedisEntry(String region, String key, byte[] dump, long pttlMillis) {
    public RedisEntry {
      checkIdentity(region, key);
      dump = Objects.requireNonNull(dump, "dump").clone();
      if (pttlMillis < -1) {
        throw new IllegalArgumentException(
            "PTTL of "
                + describe(region, key)
                + " is "
                + pttlMillis
                + " (a key that was there is -1 or more)");
      }
    }

    @Override
    public byte[] dump() {
      return dump.clone();
    }

    /** The entry as messages name it. */
    public String describe() {
      return describe(region, key);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RedisEntry r
          && region.equals(r.region)
          && key.equals(r.key)
          && Arrays.equals(dump, r.dump)
          && pttlMillis == r.pttlMillis;
    }

    @Override
    public int hashCode() {
      return Objects.hash(region, key, Arrays.hashCode(dump), pttlMillis);
    }

    /** Never the payload. */
    @Override
    public String toString() {
      return "RedisEntry[" + describe() + ", " + dump.length + " bytes, pttl " + pttlMillis + "]";
    }

    public static void checkIdentity(String region, String key) {
      SnapshotManifest.requireText(region, "region");
      SnapshotManifest.requireText(key, "Redis key");
    }

    public static String describe(String region, String key) {
      return "Redis key " + key + " of region " + region;
    }

    public String identity() {
      return identity(region, key);
    }

    public static String identity(String region, String key) {
      // Region names cannot hold a newline, so this never confuses two entries.
      return region + "\n" + key;
    }
  }

  public Snapshot {
    Objects.requireNonNull(manifest, "manifest");
    objects = List.copyOf(objects);
    redisEntries = List.copyOf(redisEntries);
    checkAgainstManifest(manifest, objects, redisEntries);
  }

  /** A snapshot to fill in; {@link Builder#build} computes its manifest. */
  public static Builder builder(
      String operatorVersion,
      String sourceCluster,
      SnapshotManifest.Policy policy,
      Instant takenAt) {
    return new Builder(operatorVersion, sourceCluster, policy, takenAt);
  }

  /** Collects a snapshot's cut points and content, then computes its manifest. Not thread-safe. */
  public static final class Builder {
    private final String operatorVersion;
    private final String sourceCluster;
    private final SnapshotManifest.Policy policy;
    private final Instant takenAt;
    private final Map<String, String> resourceVersions = new TreeMap<>();
    private final Map<String, Instant> redisCuts = new TreeMap<>();
    private final Set<String> redisUnreached = new TreeSet<>();
    private final List<KubeObject> objects = new ArrayList<>();
    private final List<RedisEntry> redisEntries = new ArrayList<>();
    private String baseSnapshot;
    private final List<SnapshotManifest.ObjectId> removed = new ArrayList<>();

    private Builder(
        String operatorVersion,
        String sourceCluster,
        SnapshotManifest.Policy policy,
        Instant takenAt) {
      this.operatorVersion = operatorVersion;
      this.sourceCluster = sourceCluster;
      this.policy = policy;
      this.takenAt = takenAt;
    }

    /** The objects of {@code kind} were read from a list at {@code resourceVersion}. */
    public Builder listedAt(String kind, String resourceVersion) {
      resourceVersions.put(kind, resourceVersion);
      return this;
    }

    /** The Redis of {@code region} was read at {@code cutAt}. */
    public Builder redisCut(String region, Instant cutAt) {
      redisCuts.put(region, cutAt);
      return this;
    }

    /** The Redis of {@code region} could not be reached; the snapshot holds none of its state. */
    public Builder redisUnreached(String region) {
      redisUnreached.add(region);
      return this;
    }

    public Builder object(KubeObject object) {
      objects.add(Objects.requireNonNull(object, "object"));
      return this;
    }

    public Builder objects(List<KubeObject> more) {
      more.forEach(this::object);
      return this;
    }

    /** An entry of a region given a {@link #redisCut}. */
    public Builder redisEntry(RedisEntry entry) {
      redisEntries.add(Objects.requireNonNull(entry, "entry"));
      return this;
    }

    public Builder redisEntries(List<RedisEntry> more) {
      more.forEach(this::redisEntry);
      return this;
    }

    /** Makes a change set on top of the snapshot {@code base} rather than a whole snapshot. */
    public Builder changeSetOf(String base) {
      this.baseSnapshot = Objects.requireNonNull(base, "base");
      return this;
    }

    /** In a change set: the object was in the base snapshot and has since been deleted. */
    public Builder removed(SnapshotManifest.ObjectId object) {
      removed.add(Objects.requireNonNull(object, "object"));
      return this;
    }

    /**
     * The snapshot, its manifest computed from what was added.
     *
     * @throws Mismatch when an object or entry was added twice, or an entry's region has no cut
     */
    public Snapshot build() {
      var manifest =
          new SnapshotManifest(
              SnapshotManifest.FORMAT_VERSION,
              operatorVersion,
              sourceCluster,
              takenAt,
              policy,
              resourceVersions,
              redisCuts,
              redisUnreached,
              objects.size(),
              redisEntries.size(),
              objects.stream()
                  .map(
                      o ->
                          new SnapshotManifest.ObjectDigest(
                              o.kind(), o.namespace(), o.name(), Digests.sha256Hex(o.json)))
                  .toList(),
              redisEntries.stream()
                  .map(
                      e ->
                          new SnapshotManifest.EntryDigest(
                              e.region(), e.key(), Digests.sha256Hex(e.dump)))
                  .toList(),
              baseSnapshot,
              removed);
      return new Snapshot(manifest, objects, redisEntries);
    }
  }

  /**
   * Every object and entry is in the manifest once with its SHA-256, the manifest lists nothing
   * else, its counts are right, and every entry's region has a cut.
   */
  private static void checkAgainstManifest(
      SnapshotManifest manifest, List<KubeObject> objects, List<RedisEntry> entries) {
    Map<String, KubeObject> heldObjects = new LinkedHashMap<>();
    for (var o : objects) {
      if (heldObjects.put(o.identity(), o) != null) {
        throw new Mismatch("the snapshot holds " + o.describe() + " twice");
      }
    }
    Map<String, RedisEntry> heldEntries = new LinkedHashMap<>();
    for (var e : entries) {
      if (heldEntries.put(e.identity(), e) != null) {
        throw new Mismatch("the snapshot holds " + e.describe() + " twice");
      }
      if (!manifest.redisCuts().containsKey(e.region())) {
        throw new Mismatch(
            e.describe() + " is of a region the manifest gives no Redis cut (" + e.region() + ")");
      }
    }

    Map<String, SnapshotManifest.ObjectDigest> listedObjects = new LinkedHashMap<>();
    for (var d : manifest.objects()) {
      if (listedObjects.put(KubeObject.identity(d.kind(), d.namespace(), d.name()), d) != null) {
        throw new Mismatch("the manifest lists " + d.describe() + " twice");
      }
    }
    Map<String, SnapshotManifest.EntryDigest> listedEntries = new LinkedHashMap<>();
    for (var d : manifest.redisEntries()) {
      if (listedEntries.put(RedisEntry.identity(d.region(), d.key()), d) != null) {
        throw new Mismatch("the manifest lists " + d.describe() + " twice");
      }
    }

    for (var o : objects) {
      var d = listedObjects.remove(o.identity());
      if (d == null) {
        throw new Mismatch(o.describe() + " is not in the manifest");
      }
      if (!d.sha256().equals(Digests.sha256Hex(o.json))) {
        throw new Mismatch(o.describe() + " does not match its SHA-256 in the manifest");
      }
    }
    for (var e : entries) {
      var d = listedEntries.remove(e.identity());
      if (d == null) {
        throw new Mismatch(e.describe() + " is not in the manifest");
      }
      if (!d.sha256().equals(Digests.sha256Hex(e.dump))) {
        throw new Mismatch(e.describe() + " does not match its SHA-256 in the manifest");
      }
    }
    for (var r : manifest.removed()) {
      if (heldObjects.containsKey(KubeObject.identity(r.kind(), r.namespace(), r.name()))) {
        throw new Mismatch("the change set both holds and removes " + r.describe());
      }
    }
    if (!listedObjects.isEmpty()) {
      throw notHeld(listedObjects.values().iterator().next().describe());
    }
    if (!listedEntries.isEmpty()) {
      throw notHeld(listedEntries.values().iterator().next().describe());
    }

    if (manifest.objectCount() != objects.size()) {
      throw new Mismatch(
          "the manifest counts "
              + manifest.objectCount()
              + " objects, the snapshot holds "
              + objects.size());
    }
    if (manifest.redisEntryCount() != entries.size()) {
      throw new Mismatch(
          "the manifest counts "
              + manifest.redisEntryCount()
              + " Redis entries, the snapshot holds "
              + entries.size());
    }
  }

  private static Mismatch notHeld(String what) {
    return new Mismatch("the manifest lists " + what + ", which the snapshot does not hold");
  }
}
