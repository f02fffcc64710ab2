package io.beastmode.operator.recovery.snapshot;

import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.SECRET_VALUE;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.sample;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.operator.recovery.snapshot.SnapshotRejected.Check;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class SnapshotSealTest {

  static final byte[] RAW = SnapshotKeyTest.bytes(32, 1);
  static final byte[] OTHER_RAW = SnapshotKeyTest.bytes(32, 2);
  static final SnapshotKey KEY = key(RAW);
  static final SnapshotKey OTHER = key(OTHER_RAW);
  static final ObjectMapper JSON = new ObjectMapper();

  // The layout in SnapshotSeal's class comment, written out again so the test checks it.
  static final int KEY_ID = 5;
  static final int WRAP_NONCE = 9;
  static final int WRAPPED = 21;
  static final int CONTENT_NONCE = 69;
  static final int CONTENT = 81;

  static SnapshotKey key(byte[] raw) {
    try {
      return SnapshotKey.fromValue(raw);
    } catch (SnapshotKey.Invalid e) {
      throw new AssertionError(e);
    }
  }

  static AbstractThrowableAssert<?, ?> assertRejected(byte[] sealed, SnapshotKey key, Check check) {
    return assertRejected("", sealed, key, check);
  }

  static AbstractThrowableAssert<?, ?> assertRejected(
      String what, byte[] sealed, SnapshotKey key, Check check) {
    return assertThatThrownBy(() -> SnapshotSeal.open(sealed, key))
        .as(what)
        .isInstanceOf(SnapshotRejected.class)
        .satisfies(e -> assertThat(((SnapshotRejected) e).check()).isEqualTo(check))
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(Base64.getEncoder().encodeToString(RAW))
                    .doesNotContain(HexFormat.of().formatHex(RAW))
                    .doesNotContain(SECRET_VALUE));
  }

  // ---- decoding by hand, from the documented layout only

  static byte[] dataKeyByHand(byte[] sealed, byte[] policyKey) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(policyKey, "AES"),
        new GCMParameterSpec(128, Arrays.copyOfRange(sealed, WRAP_NONCE, WRAPPED)));
    c.updateAAD(sealed, 0, WRAPPED);
    return c.doFinal(sealed, WRAPPED, CONTENT_NONCE - WRAPPED);
  }

  static byte[] jsonByHand(byte[] sealed, byte[] policyKey) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(dataKeyByHand(sealed, policyKey), "AES"),
        new GCMParameterSpec(128, Arrays.copyOfRange(sealed, CONTENT_NONCE, CONTENT)));
    c.updateAAD(sealed, 0, CONTENT);
    byte[] gzip = c.doFinal(sealed, CONTENT, sealed.length - CONTENT);
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }

  /** Seals the sample with its JSON changed by {@code change} before compression. */
  static byte[] sealAltered(Consumer<ObjectNode> change) {
    UnaryOperator<byte[]> alter =
        json -> {
          try {
            ObjectNode root = (ObjectNode) JSON.readTree(json);
            change.accept(root);
            return JSON.writeValueAsBytes(root);
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
        };
    return SnapshotSeal.seal(sample(), KEY, alter);
  }

  // ---- round trip

  @Test
  void aSealedSnapshotOpensToTheSameSnapshot() throws Exception {
    var snapshot = sample();
    var opened = SnapshotSeal.open(SnapshotSeal.seal(snapshot, KEY), KEY);
    assertThat(opened.manifest()).isEqualTo(snapshot.manifest());
    assertThat(opened.objects()).isEqualTo(snapshot.objects());
    assertThat(opened.redisEntries()).isEqualTo(snapshot.redisEntries());
    assertThat(opened).isEqualTo(snapshot);
    assertThat(opened.manifest().takenAt()).isEqualTo(SnapshotFixtures.TAKEN_AT);
    assertThat(opened.objects().get(3).namespace()).isNull();
    assertThat(opened.redisEntries().get(2).dump()).isEqualTo(SnapshotFixtures.dump(200_000, 3));
  }

  @Test
  void anEmptySnapshotRoundTrips() throws Exception {
    var empty = SnapshotFixtures.builder().build();
    assertThat(SnapshotSeal.open(SnapshotSeal.seal(empty, KEY), KEY)).isEqualTo(empty);
  }

  @Test
  void theSealedBytesFollowTheDocumentedLayout() throws Exception {
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    assertThat(new String(sealed, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("BMSN");
    assertThat(sealed[4]).isEqualTo((byte) 1);
    assertThat(HexFormat.of().formatHex(sealed, KEY_ID, WRAP_NONCE)).isEqualTo(KEY.id());
    assertThat(SnapshotSeal.keyId(sealed)).isEqualTo(KEY.id());
    var root = JSON.readTree(jsonByHand(sealed, RAW));
    assertThat(root.path("manifest").path("formatVersion").asInt()).isEqualTo(1);
    assertThat(root.path("objects").size()).isEqualTo(4);
  }

  @Test
  void theSealedBytesHoldNoPlaintext() {
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    String asText = new String(sealed, StandardCharsets.ISO_8859_1);
    assertThat(asText)
        .doesNotContain(SECRET_VALUE)
        .doesNotContain("openai")
        .doesNotContain(Base64.getEncoder().encodeToString(utf8("\"" + SECRET_VALUE)));
    // Compressed: the sample's JSON is far longer than what is sealed only if gzip ran.
    assertThat(sealed.length).isLessThan(SnapshotJson.write(sample()).length);
  }

  @Test
  void twoSealsOfOneSnapshotShareNothingButTheHeaderPrefix() throws Exception {
    var snapshot = sample();
    byte[] a = SnapshotSeal.seal(snapshot, KEY);
    byte[] b = SnapshotSeal.seal(snapshot, KEY);
    assertThat(Arrays.copyOf(a, WRAP_NONCE)).isEqualTo(Arrays.copyOf(b, WRAP_NONCE));
    assertThat(Arrays.copyOfRange(a, WRAP_NONCE, WRAPPED))
        .isNotEqualTo(Arrays.copyOfRange(b, WRAP_NONCE, WRAPPED));
    assertThat(Arrays.copyOfRange(a, CONTENT_NONCE, CONTENT))
        .isNotEqualTo(Arrays.copyOfRange(b, CONTENT_NONCE, CONTENT));
    assertThat(Arrays.copyOfRange(a, CONTENT, CONTENT + 64))
        .isNotEqualTo(Arrays.copyOfRange(b, CONTENT, CONTENT + 64));
    // A fresh data key each time, not only fresh nonces.
    assertThat(dataKeyByHand(a, RAW)).hasSize(32).isNotEqualTo(dataKeyByHand(b, RAW));
    assertThat(SnapshotSeal.open(a, KEY)).isEqualTo(SnapshotSeal.open(b, KEY));
  }

  // ---- the key

  @Test
  void anotherKeyDoesNotOpenItAndTheMessageNamesBothKeyIds() {
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    assertRejected(sealed, OTHER, Check.KEY)
        .hasMessage(
            "the key does not open this snapshot: it was sealed with key "
                + KEY.id()
                + ", the key given is "
                + OTHER.id())
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain(HexFormat.of().formatHex(OTHER_RAW)));
  }

  @Test
  void anotherKeyWithTheSameIdStillDoesNotOpenIt() {
    // Stands for a second key whose fingerprint collides: the id in the header says KEY, but the
    // data key was wrapped under OTHER.
    byte[] sealed = SnapshotSeal.seal(sample(), OTHER);
    System.arraycopy(KEY.idBytes(), 0, sealed, KEY_ID, 4);
    assertRejected(sealed, KEY, Check.KEY)
        .hasMessageStartingWith(
            "the key does not open this snapshot: its data key fails to unwrap");
  }

  // ---- altered and truncated bytes

  @Test
  void aFlippedByteAnywhereIsRejectedByTheCheckThatCoversIt() {
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    record Flip(String what, int at, Check check) {}
    var flips =
        new Flip[] {
          new Flip("magic", 1, Check.FORMAT),
          new Flip("version", 4, Check.VERSION),
          new Flip("key id", KEY_ID + 2, Check.KEY),
          new Flip("wrap nonce", WRAP_NONCE + 3, Check.KEY),
          new Flip("wrapped key", WRAPPED + 5, Check.KEY),
          new Flip("wrapped key's tag", CONTENT_NONCE - 1, Check.KEY),
          new Flip("content nonce", CONTENT_NONCE + 4, Check.INTEGRITY),
          new Flip("first content byte", CONTENT, Check.INTEGRITY),
          new Flip("middle of the content", sealed.length / 2, Check.INTEGRITY),
          new Flip("content tag", sealed.length - 1, Check.INTEGRITY),
          new Flip("first tag byte", sealed.length - 16, Check.INTEGRITY),
        };
    for (var flip : flips) {
      byte[] altered = sealed.clone();
      altered[flip.at()] ^= 0x01;
      assertRejected(flip.what(), altered, KEY, flip.check());
    }
  }

  @Test
  void aHeaderRewrappedAroundTheSameDataKeyDoesNotFitTheContent() throws Exception {
    // Only the header's being the content's associated data stops this: the data key still
    // unwraps and still decrypts the content.
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    byte[] dataKey = dataKeyByHand(sealed, RAW);
    byte[] nonce = Arrays.copyOfRange(sealed, WRAP_NONCE, WRAPPED);
    nonce[0] ^= 0x01;
    System.arraycopy(nonce, 0, sealed, WRAP_NONCE, nonce.length);
    Cipher wrap = Cipher.getInstance("AES/GCM/NoPadding");
    wrap.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(RAW, "AES"), new GCMParameterSpec(128, nonce));
    wrap.updateAAD(sealed, 0, WRAPPED);
    System.arraycopy(wrap.doFinal(dataKey), 0, sealed, WRAPPED, CONTENT_NONCE - WRAPPED);
    assertThat(dataKeyByHand(sealed, RAW)).isEqualTo(dataKey);
    assertRejected(sealed, KEY, Check.INTEGRITY)
        .hasMessage(
            "the snapshot's content fails its integrity check: it was altered or truncated");
  }

  @Test
  void aTruncatedSnapshotIsRejected() {
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    for (int length : new int[] {0, 3, 4, 8, 20, CONTENT, CONTENT + 15}) {
      assertRejected(length + " bytes", Arrays.copyOf(sealed, length), KEY, Check.FORMAT);
    }
    for (int length : new int[] {CONTENT + 16, sealed.length / 2, sealed.length - 1}) {
      assertRejected(length + " bytes", Arrays.copyOf(sealed, length), KEY, Check.INTEGRITY);
    }
    assertRejected(Arrays.copyOf(sealed, CONTENT + 15), KEY, Check.FORMAT)
        .hasMessageContaining("truncated");
  }

  @Test
  void bytesThatAreNotASealedSnapshotAreRejected() {
    assertRejected(utf8("{\"manifest\":{}}"), KEY, Check.FORMAT)
        .hasMessage("not a sealed snapshot (no BMSN header)");
    assertRejected(null, KEY, Check.FORMAT);
  }

  @Test
  void anUnknownFormatVersionIsRejectedNamingIt() {
    byte[] sealed = SnapshotSeal.seal(sample(), KEY);
    for (int version : new int[] {0, 2, 200}) {
      byte[] other = sealed.clone();
      other[4] = (byte) version;
      assertRejected(other, KEY, Check.VERSION)
          .hasMessage(
              "the snapshot has format version "
                  + version
                  + "; this operator reads format version 1");
      assertThatThrownBy(() -> SnapshotSeal.keyId(other))
          .hasMessageContaining("format version " + version);
    }
  }

  // ---- content that does not match its manifest (sealed through the test seam)

  @Test
  void anObjectWhoseBytesDifferFromTheManifestIsNamed() {
    byte[] sealed =
        sealAltered(
            root ->
                ((ObjectNode) ((ArrayNode) root.get("objects")).get(2))
                    .put("json", Base64.getEncoder().encodeToString(utf8("{\"data\":{}}"))));
    assertRejected(sealed, KEY, Check.MANIFEST)
        .hasMessage(
            "the snapshot does not match its manifest: Secret shop/openai does not match its"
                + " SHA-256 in the manifest");
  }

  @Test
  void aRedisEntryWhoseDumpDiffersFromTheManifestIsNamed() {
    byte[] sealed =
        sealAltered(
            root ->
                ((ObjectNode) ((ArrayNode) root.get("redisEntries")).get(1))
                    .put("dump", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
    assertRejected(sealed, KEY, Check.MANIFEST)
        .hasMessageContaining("Redis key bm:stats:gpt-4o of region eu does not match");
  }

  @Test
  void anObjectMissingFromTheContentIsNamed() {
    byte[] sealed = sealAltered(root -> ((ArrayNode) root.get("objects")).remove(3));
    assertRejected(sealed, KEY, Check.MANIFEST)
        .hasMessage(
            "the snapshot does not match its manifest: the manifest lists Region eu, which the"
                + " snapshot does not hold");
  }

  @Test
  void anObjectTheManifestDoesNotListIsNamed() {
    byte[] sealed =
        sealAltered(
            root -> {
              ArrayNode objects = ((ArrayNode) root.get("objects"));
              objects.add(objects.get(2).deepCopy());
              ((ObjectNode) objects.get(4)).put("name", "stripe");
            });
    assertRejected(sealed, KEY, Check.MANIFEST)
        .hasMessageContaining("Secret shop/stripe is not in the manifest");
  }

  @Test
  void aWrongCountIsRejected() {
    byte[] sealed = sealAltered(root -> ((ObjectNode) root.get("manifest")).put("objectCount", 5));
    assertRejected(sealed, KEY, Check.MANIFEST)
        .hasMessageContaining("the manifest counts 5 objects, the snapshot holds 4");
    byte[] entries =
        sealAltered(root -> ((ObjectNode) root.get("manifest")).put("redisEntryCount", 2));
    assertRejected(entries, KEY, Check.MANIFEST)
        .hasMessageContaining("the manifest counts 2 Redis entries, the snapshot holds 3");
  }

  @Test
  void contentThatIsNotASnapshotIsRejectedWithoutQuotingIt() {
    byte[] notJson =
        SnapshotSeal.seal(sample(), KEY, json -> utf8("{\"x\": " + SECRET_VALUE + "}"));
    assertRejected(notJson, KEY, Check.CONTENT).hasMessageContaining("not JSON");
    byte[] noManifest = sealAltered(root -> root.remove("manifest"));
    assertRejected(noManifest, KEY, Check.CONTENT)
        .hasMessage(
            "the snapshot's content is not a snapshot: manifest is missing or not an object");
    byte[] manifestVersion =
        sealAltered(root -> ((ObjectNode) root.get("manifest")).put("formatVersion", 2));
    assertRejected(manifestVersion, KEY, Check.CONTENT).hasMessageContaining("format version 2");
  }
}
