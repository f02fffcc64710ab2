package io.beastmode.operator.recovery.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SnapshotKeyTest {

  static final byte[] RAW = bytes(32, 7);

  static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i * 17);
    }
    return b;
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static String idOf(byte[] raw) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(raw))
        .substring(0, 8);
  }

  @Test
  void thirtyTwoRawBytesAreTheKeyAndItsIdIsTheirFingerprint() throws Exception {
    var key = SnapshotKey.fromValue(RAW);
    assertThat(key.id()).isEqualTo(idOf(RAW)).hasSize(8);
  }

  @Test
  void base64OfThirtyTwoBytesIsTheSameKey() throws Exception {
    // What openssl rand -base64 32 prints, with and without the newline --from-file keeps.
    assertThat(SnapshotKey.fromValue(ascii(b64(RAW))).id()).isEqualTo(idOf(RAW));
    assertThat(SnapshotKey.fromValue(ascii(b64(RAW) + "\n")).id()).isEqualTo(idOf(RAW));
  }

  @Test
  void aSecretsDataEntryIsDecodedOnceThenReadAsAValue() throws Exception {
    assertThat(SnapshotKey.fromSecretData(b64(RAW)).id()).isEqualTo(idOf(RAW));
    assertThat(SnapshotKey.fromSecretData(b64(ascii(b64(RAW) + "\n"))).id()).isEqualTo(idOf(RAW));
  }

  @Test
  void theKeyBytesChangeTheId() throws Exception {
    assertThat(SnapshotKey.fromValue(bytes(32, 8)).id()).isNotEqualTo(idOf(RAW));
  }

  @Test
  void rawValuesOfAnotherLengthAreRefusedSayingTheLengthExpected() {
    for (int length : new int[] {1, 16, 31, 33, 48, 64}) {
      byte[] raw = bytes(length, 3);
      // Not ASCII text, so not base64 either.
      raw[0] = (byte) 0xff;
      assertThatThrownBy(() -> SnapshotKey.fromValue(raw))
          .isInstanceOf(SnapshotKey.Invalid.class)
          .hasMessageContaining("must be 32 bytes, or base64 of 32 bytes")
          .hasMessageContaining("the value is " + length + " bytes")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(b64(raw)))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(HexFormat.of().formatHex(raw)));
    }
  }

  @Test
  void base64OfAnotherLengthIsRefusedSayingWhatItDecodesTo() {
    for (int length : new int[] {16, 24, 31, 33, 64}) {
      String text = b64(bytes(length, 5));
      assertThatThrownBy(() -> SnapshotKey.fromValue(ascii(text)))
          .isInstanceOf(SnapshotKey.Invalid.class)
          .hasMessageContaining("must be 32 bytes")
          .hasMessageEndingWith("the value is base64 of " + length + " bytes")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(text));
    }
  }

  @Test
  void thirtyTwoCharactersOfTextAreReadAsBase64NotTakenAsAKey() {
    // openssl rand -base64 24 and openssl rand -hex 16 print 32 characters: not a 256-bit key.
    String base64Of24 = b64(bytes(24, 9));
    assertThat(base64Of24).hasSize(32);
    assertThatThrownBy(() -> SnapshotKey.fromValue(ascii(base64Of24)))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasMessageEndingWith("the value is base64 of 24 bytes");
    String passphrase = "correct horse battery staple!!!!";
    assertThat(passphrase).hasSize(32);
    assertThatThrownBy(() -> SnapshotKey.fromValue(ascii(passphrase)))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasMessageEndingWith("the value is 32 characters of text and not base64")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("horse"));
  }

  @Test
  void textThatIsNotBase64IsRefusedWithoutRepeatingIt() {
    String secret = "hunter2-is-not-a-key!";
    assertThatThrownBy(() -> SnapshotKey.fromValue(ascii(secret)))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasMessageContaining("must be 32 bytes")
        .hasMessageContaining("not base64")
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("2d"));
    assertThatThrownBy(() -> SnapshotKey.fromSecretData("!!" + secret))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
  }

  @Test
  void anEmptyOrMissingValueIsRefused() {
    assertThatThrownBy(() -> SnapshotKey.fromValue(new byte[0]))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasMessageContaining("must be 32 bytes");
    assertThatThrownBy(() -> SnapshotKey.fromValue(ascii("  \n")))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasMessageContaining("must be 32 bytes");
    assertThatThrownBy(() -> SnapshotKey.fromSecretData(null))
        .isInstanceOf(SnapshotKey.Invalid.class)
        .hasMessageContaining("must be 32 bytes");
  }

  @Test
  void toStringShowsTheIdAndNoKeyMaterial() throws Exception {
    var key = SnapshotKey.fromValue(ascii(b64(RAW)));
    String shown = key.toString();
    assertThat(shown).contains(key.id());
    assertThat(shown)
        .doesNotContain(b64(RAW))
        .doesNotContain(HexFormat.of().formatHex(RAW).substring(0, 8))
        .doesNotContain(new String(RAW, StandardCharsets.ISO_8859_1));
  }

  @Test
  void theValueGivenIsCopiedNotKept() throws Exception {
    byte[] raw = RAW.clone();
    var key = SnapshotKey.fromValue(raw);
    IntStream.range(0, raw.length).forEach(i -> raw[i] = 0);
    assertThat(key.secretKey().getEncoded()).isEqualTo(RAW);
  }
}
