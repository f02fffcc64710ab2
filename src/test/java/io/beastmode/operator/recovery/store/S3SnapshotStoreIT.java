package io.beastmode.operator.recovery.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.store.SnapshotStore.Missing;
import io.beastmode.operator.recovery.store.SnapshotStore.Stored;
import io.beastmode.operator.recovery.store.SnapshotStore.Unavailable;
import io.beastmode.testing.Ports;
import io.beastmode.testing.S3Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3SnapshotStore against a real S3 server (moto's, started as a process): snapshots round-trip
 * byte for byte, list newest first across pages, deletes are idempotent, a missing snapshot is
 * Missing, the owner is recorded, and a store that cannot be reached or refuses the credentials is
 * Unavailable within seconds, with the secret access key in no message.
 */
class S3SnapshotStoreIT {
  static final String BUCKET = "beastmode-snapshots";
  static final String KEY_ID = "AKIASNAPSHOTSTOREIT1";
  // Distinctive, so a leak into a message is found by a plain search.
  static final String SECRET = "it-secret-" + UUID.randomUUID();

  static S3Server server;
  static S3Client admin;

  @BeforeAll
  static void start() {
    server = S3Server.start();
    admin = client(server.endpoint(), KEY_ID, SECRET);
    admin.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A store on a prefix no other test uses. */
  static S3SnapshotStore store() {
    return store(uniquePrefix(), 1000);
  }

  static S3SnapshotStore store(String prefix, int pageSize) {
    return new S3SnapshotStore(
        server.endpoint(), BUCKET, prefix, "us-east-1", true, KEY_ID, SECRET, pageSize);
  }

  static String uniquePrefix() {
    return "clusters/" + UUID.randomUUID();
  }

  static S3Client client(String endpoint, String keyId, String secret) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static String name(String policy, String time) {
    return SnapshotNames.of(policy, Instant.parse(time));
  }

  @Test
  void aSnapshotOfSomeMegabytesComesBackByteForByte() throws Exception {
    byte[] sealed = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(sealed);
    String name = name("nightly", "2026-11-27T03:00:00Z");
    try (var store = store()) {
      store.put(name, sealed);

      byte[] back = store.get(name);

      assertThat(back.length).isEqualTo(sealed.length);
      assertThat(Arrays.equals(back, sealed)).as("the same bytes").isTrue();
      assertThat(store.list()).containsExactly(new Stored(name, sealed.length));
    }
  }

  @Test
  void aSnapshotWrittenAgainUnderItsNameIsReplacedWhole() throws Exception {
    String name = name("nightly", "2026-11-27T03:00:00Z");
    try (var store = store()) {
      store.put(name, "first, and longer".getBytes(StandardCharsets.UTF_8));
      store.put(name, "second".getBytes(StandardCharsets.UTF_8));

      assertThat(new String(store.get(name), StandardCharsets.UTF_8)).isEqualTo("second");
      assertThat(store.list()).containsExactly(new Stored(name, 6));
    }
  }

  @Test
  void listIsNewestFirstAcrossPagesAndSkipsWhatIsNoSnapshot() throws Exception {
    String prefix = uniquePrefix();
    try (var store = store(prefix, 2)) {
      List<String> newestFirst =
          List.of(
              name("hourly", "2026-11-27T14:00:00Z"),
              name("nightly", "2026-11-27T03:00:00Z"),
              name("hourly", "2026-11-27T02:00:00Z"),
              name("nightly", "2026-11-26T03:00:00Z"),
              name("nightly", "2026-11-25T03:00:00Z"));
      List<String> shuffled = new ArrayList<>(newestFirst);
      java.util.Collections.shuffle(shuffled, new Random(7));
      for (String name : shuffled) {
        store.put(name, name.getBytes(StandardCharsets.UTF_8));
      }
      store.claim("hub-a");
      // Objects beside the snapshots that are none: deeper, beside the prefix, another suffix.
      admin.putObject(
          b -> b.bucket(BUCKET).key(prefix + "/old/nightly-20250101t000000z.snapshot"),
          RequestBody.fromString("x"));
      admin.putObject(
          b -> b.bucket(BUCKET).key(prefix + "-other/nightly-20250101t000000z.snapshot"),
          RequestBody.fromString("x"));
      admin.putObject(
          b -> b.bucket(BUCKET).key(prefix + "/nightly-20250101t000000z.part"),
          RequestBody.fromString("x"));

      List<Stored> listed = store.list();

      assertThat(listed).extracting(Stored::name).containsExactlyElementsOf(newestFirst);
      assertThat(listed)
          .allSatisfy(s -> assertThat(s.sizeBytes()).isEqualTo((long) s.name().length()));
    }
  }

  @Test
  void deleteRemovesASnapshotAndDeletingItAgainDoesNothing() throws Exception {
    String kept = name("nightly", "2026-11-26T03:00:00Z");
    String gone = name("nightly", "2026-11-27T03:00:00Z");
    try (var store = store()) {
      store.put(kept, new byte[] {1});
      store.put(gone, new byte[] {2});

      store.delete(gone);
      store.delete(gone);
      store.delete(name("nightly", "2020-01-01T00:00:00Z"));

      assertThat(store.list()).extracting(Stored::name).containsExactly(kept);
      assertThatThrownBy(() -> store.get(gone)).isInstanceOf(Missing.class);
      assertThat(store.get(kept)).containsExactly(1);
    }
  }

  @Test
  void aSnapshotThatIsNotThereIsMissing() throws Exception {
    String name = name("nightly", "2026-11-27T03:00:00Z");
    try (var store = store()) {
      store.put(name("nightly", "2026-11-26T03:00:00Z"), new byte[] {1});

      assertThatThrownBy(() -> store.get(name))
          .isInstanceOf(Missing.class)
          .hasMessageContaining(name)
          .hasMessageContaining(BUCKET);
    }
  }

  @Test
  void theOwnerIsNullUntilAClusterClaimsTheStore() throws Exception {
    try (var store = store();
        var neighbour = store()) {
      assertThat(store.owner()).isNull();

      store.claim("hub-a");

      assertThat(store.owner()).isEqualTo("hub-a");
      assertThat(neighbour.owner()).as("another prefix of the bucket is another store").isNull();
      assertThat(store.list()).as("the owner record is no snapshot").isEmpty();

      store.claim("hub-b");

      assertThat(store.owner()).isEqualTo("hub-b");
    }
  }

  @Test
  void aStoreNobodyListensForIsUnavailableAtOnce() throws Exception {
    int closed = Ports.free();
    try (var store =
        new S3SnapshotStore(
            "http://127.0.0.1:" + closed, BUCKET, "p", "us-east-1", true, KEY_ID, SECRET)) {
      List<Unavailable> failures = new ArrayList<>();
      Instant start = Instant.now();
      failures.add(unavailable(() -> store.list()));
      failures.add(unavailable(() -> store.get(name("nightly", "2026-11-27T03:00:00Z"))));
      failures.add(
          unavailable(() -> store.put(name("nightly", "2026-11-27T03:00:00Z"), new byte[1])));
      failures.add(unavailable(() -> store.delete(name("nightly", "2026-11-27T03:00:00Z"))));
      failures.add(unavailable(() -> store.owner()));
      failures.add(unavailable(() -> store.claim("hub-a")));
      Duration took = Duration.between(start, Instant.now());

      assertThat(took).as("six calls to a closed port").isLessThan(Duration.ofSeconds(6));
      assertThat(failures)
          .allSatisfy(
              e ->
                  assertThat(e.getMessage())
                      .contains("127.0.0.1:" + closed)
                      .contains("cannot reach the store"));
      assertThat(failures).allSatisfy(S3SnapshotStoreIT::carriesNoSecret);
    }
  }

  @Test
  void aStoreThatNeverAnswersIsUnavailableWithinSeconds() throws Exception {
    try (var silent = new ServerSocket(0);
        var store =
            new S3SnapshotStore(
                "http://127.0.0.1:" + silent.getLocalPort(),
                BUCKET,
                "p",
                "us-east-1",
                true,
                KEY_ID,
                SECRET)) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // and never a byte back
                  }
                } catch (IOException e) {
                  // closed at the end of the test
                }
              });
      acceptor.start();
      try {
        Instant start = Instant.now();
        Unavailable e = unavailable(() -> store.owner());
        Duration took = Duration.between(start, Instant.now());

        // Two attempts, each given up after the read timeout.
        assertThat(took)
            .isLessThan(
                S3SnapshotStore.READ_TIMEOUT
                    .multipliedBy(S3SnapshotStore.MAX_ATTEMPTS)
                    .plusSeconds(3));
        assertThat(e.getMessage()).contains("127.0.0.1:" + silent.getLocalPort());
        carriesNoSecret(e);
      } finally {
        silent.close();
        acceptor.join(5000);
        for (Socket socket : accepted) {
          socket.close();
        }
      }
    }
  }

  @Test
  void theDocumentedLeastPrivilegeIsEnoughAndARefusalIsUnavailableWithoutTheSecret()
      throws Exception {
    String prefix = "clusters/hub-1";
    try (var iam = S3Server.start()) {
      var owner = iam.createUser("bucket-owner", policy("s3:*", "arn:aws:s3:::*"));
      var snapshots =
          iam.createUser(
              "snapshots",
              """
              {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:ListBucket"],
                 "Resource": "arn:aws:s3:::%1$s"},
                {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                 "Resource": "arn:aws:s3:::%1$s/%2$s/*"}]}
              """
                  .formatted(BUCKET, prefix));
      var readOnly =
          iam.createUser("read-only", policy("s3:GetObject", "arn:aws:s3:::" + BUCKET + "/*"));
      iam.requireSignedRequests();
      try (var bucketOwner = client(iam.endpoint(), owner.accessKeyId(), owner.secretAccessKey())) {
        bucketOwner.createBucket(b -> b.bucket(BUCKET));
      }
      String name = name("nightly", "2026-11-27T03:00:00Z");

      try (var store =
          signedStore(iam, prefix, snapshots.accessKeyId(), snapshots.secretAccessKey())) {
        assertThat(store.owner()).isNull();
        store.claim("hub-1");
        store.put(name, new byte[] {7, 7});
        assertThat(store.get(name)).containsExactly(7, 7);
        assertThat(store.list()).containsExactly(new Stored(name, 2));
        assertThat(store.owner()).isEqualTo("hub-1");
        store.delete(name);
        assertThat(store.list()).isEmpty();
      }

      String wrongSecret = "wrong-" + snapshots.secretAccessKey();
      try (var store = signedStore(iam, prefix, snapshots.accessKeyId(), wrongSecret)) {
        Unavailable e = unavailable(() -> store.list());
        assertThat(e.getMessage()).contains("403 SignatureDoesNotMatch").contains("Secret");
        assertThat(chain(e)).doesNotContain(wrongSecret);
        assertThat(store.toString()).doesNotContain(wrongSecret);
      }

      try (var store =
          signedStore(iam, prefix, readOnly.accessKeyId(), readOnly.secretAccessKey())) {
        Unavailable e = unavailable(() -> store.put(name, new byte[] {1}));
        assertThat(e.getMessage()).contains("403 AccessDenied").contains("s3:PutObject");
        assertThat(chain(e)).doesNotContain(readOnly.secretAccessKey());
      }
    }
  }

  /** A store on the IAM-checking server, signing with the given user's keys. */
  private static S3SnapshotStore signedStore(
      S3Server iam, String prefix, String accessKeyId, String secretAccessKey) {
    return new S3SnapshotStore(
        iam.endpoint(), BUCKET, prefix, "us-east-1", true, accessKeyId, secretAccessKey);
  }

  @Test
  void theStoreShowsWhereItIsAndNotItsCredentials() {
    try (var store = store()) {
      assertThat(store.toString())
          .contains(BUCKET)
          .contains(server.endpoint())
          .doesNotContain(SECRET)
          .doesNotContain(KEY_ID);
    }
  }

  static String policy(String action, String resource) {
    return """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "%s", "Resource": "%s"}]}
        """
        .formatted(action, resource);
  }

  interface Call {
    void run() throws Exception;
  }

  static Unavailable unavailable(Call call) {
    try {
      call.run();
    } catch (Unavailable e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected Unavailable, got " + e, e);
    }
    throw new AssertionError("expected Unavailable, the call succeeded");
  }

  /** The exception with its causes and stack traces, as a log line would show it. */
  static String chain(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  static void carriesNoSecret(Unavailable e) {
    assertThat(chain(e)).doesNotContain(SECRET);
  }
}
