package io.beastmode.router.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.router.api.CompletionRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The Redis key of a cached answer: a hash of the normalised request, partitioned by router,
 * routing-config version and tenant. Normalised means field order, number spelling ({@code 0} and
 * {@code 0.0}) and fields that do not change the answer ({@code user}, {@code metadata}) make no
 * difference; everything else does.
 */
public final class CacheKey {
  /** Fields that label a request without changing its answer. */
  private static final Set<String> IGNORED = Set.of("user", "metadata", "store", "service_tier");

  private CacheKey() {}

  public static String of(
      String router, String configVersion, String tenant, CompletionRequest request) {
    MessageDigest digest = sha256();
    feed(digest, "tenant");
    feed(digest, tenant == null ? "" : tenant);
    feed(digest, request.endpoint().name());
    List<String> fields = new ArrayList<>();
    request.body().fieldNames().forEachRemaining(fields::add);
    fields.sort(null);
    for (String field : fields) {
      if (!IGNORED.contains(field)) {
        feed(digest, field);
        feed(digest, request.body().get(field));
      }
    }
    return "beastmode:cache:"
        + router
        + ":"
        + configVersion
        + ":"
        + HexFormat.of().formatHex(digest.digest());
  }

  private static void feed(MessageDigest digest, JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        fields.sort(null);
        digest.update((byte) '{');
        for (String field : fields) {
          feed(digest, field);
          feed(digest, node.get(field));
        }
        digest.update((byte) '}');
      }
      case ARRAY -> {
        digest.update((byte) '[');
        for (JsonNode item : node) {
          feed(digest, item);
        }
        digest.update((byte) ']');
      }
      case NUMBER -> {
        digest.update((byte) 'n');
        feed(digest, node.decimalValue().stripTrailingZeros().toPlainString());
      }
      case STRING -> {
        digest.update((byte) 's');
        feed(digest, node.textValue());
      }
      case BOOLEAN -> digest.update(node.booleanValue() ? (byte) 't' : (byte) 'f');
      default -> digest.update((byte) '0');
    }
  }

  /** Length-prefixed, so {"ab":"c"} and {"a":"bc"} never hash alike. */
  private static void feed(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int length = bytes.length;
    digest.update(
        new byte[] {
          (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
        });
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
