package io.beastmode.operator.recovery.snapshot;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

/** A small snapshot of one namespace, with a Secret, a cluster-scoped Region and Redis state. */
public final class SnapshotFixtures {
  /** The key the sealing tests seal with, for tests of other packages. */
  public static final SnapshotKey KEY = SnapshotSealTest.KEY;

  public static final String SECRET_VALUE = "sk-live-0123456789abcdef";
  public static final Instant TAKEN_AT = Instant.parse("2026-11-27T13:45:00.123456789Z");

  private SnapshotFixtures() {}

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static Snapshot.KubeObject router() {
    return new Snapshot.KubeObject(
        "beastmode.io/v1alpha1",
        "LLMRouter",
        "shop",
        "chat",
        utf8(
            "{\"metadata\":{\"name\":\"chat\",\"namespace\":\"shop\",\"resourceVersion\":\"812\"},"
                + "\"spec\":{\"pools\":[{\"name\":\"gpt\"}]},"
                + "\"status\":{\"regions\":[{\"region\":\"eu\",\"stage\":\"Active\"}]}}"));
  }

  public static Snapshot.KubeObject secret() {
    return new Snapshot.KubeObject(
        "v1",
        "Secret",
        "shop",
        "openai",
        utf8(
            "{\"metadata\":{\"name\":\"openai\"},\"stringData\":{\"key\":\""
                + SECRET_VALUE
                + "\"}}"));
  }

  public static Snapshot.KubeObject region() {
    return new Snapshot.KubeObject(
        "beastmode.io/v1alpha1",
        "Region",
        null,
        "eu",
        utf8("{\"metadata\":{\"name\":\"eu\"},\"status\":{\"phase\":\"Ready\"}}"));
  }

  public static Snapshot.KubeObject pool() {
    return new Snapshot.KubeObject(
        "beastmode.io/v1alpha1",
        "ModelPool",
        "shop",
        "gpt",
        utf8("{\"metadata\":{\"name\":\"gpt\",\"namespace\":\"shop\"}}"));
  }

  /** A DUMP payload: binary, with bytes that are not UTF-8. */
  public static byte[] dump(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    b[0] = 0x00;
    if (length > 1) {
      b[1] = (byte) 0xff;
    }
    return b;
  }

  public static Snapshot.Builder builder() {
    return Snapshot.builder(
            "0.1.0", "hub-1", new SnapshotManifest.Policy("shop", "nightly"), TAKEN_AT)
        .listedAt("LLMRouter", "812")
        .listedAt("ModelPool", "790")
        .listedAt("Region", "44")
        .listedAt("Secret", "901")
        .redisCut("eu", TAKEN_AT.plusMillis(420))
        .redisUnreached("us");
  }

  public static Snapshot sample() {
    return builder()
        .object(router())
        .object(pool())
        .object(secret())
        .object(region())
        .redisEntry(
            new Snapshot.RedisEntry("eu", "bm:quota:k1:2026-11-27T13:45", dump(40, 1), 15_000))
        .redisEntry(new Snapshot.RedisEntry("eu", "bm:stats:gpt-4o", dump(300, 2), -1))
        .redisEntry(new Snapshot.RedisEntry("eu", "bm:big", dump(200_000, 3), 0))
        .build();
  }
}
