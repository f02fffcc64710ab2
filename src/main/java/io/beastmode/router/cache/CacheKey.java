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

  /** A digest per thread (the event loops), reused: looking one up costs more than hashing. */
  private static final ThreadLocal<Hasher> HASHERS = ThreadLocal.withInitial(Hasher::new);

  private CacheKey() {}

  public static String of(
      String router, String configVersion, String tenant, CompletionRequest request) {
    Hasher hasher = HASHERS.get().reset();
    hasher.feed("tenant");
    hasher.feed(tenant == null ? "" : tenant);
    hasher.feed(request.endpoint().name());
    for (String field : sortedFields(request.body())) {
      if (!IGNORED.contains(field)) {
        hasher.feed(field);
        hasher.feed(request.body().get(field));
      }
    }
    return "beastmode:cache:" + router + ":" + configVersion + ":" + hasher.hex();
  }

  /**
   * The key of a request read into the canonical model: its {@code identity} is the same whatever
   * dialect it came in, so a chat request and a Messages request that mean the same share an
   * answer, as a streamed and a plain one do.
   */
  public static String ofCanonical(
      String router, String configVersion, String tenant, String identity) {
    Hasher hasher = HASHERS.get().reset();
    hasher.feed("tenant");
    hasher.feed(tenant == null ? "" : tenant);
    hasher.feed("canonical");
    hasher.feed(identity);
    return "beastmode:cache:" + router + ":" + configVersion + ":" + hasher.hex();
  }

  private static List<String> sortedFields(JsonNode object) {
    List<String> fields = new ArrayList<>(object.size());
    object.fieldNames().forEachRemaining(fields::add);
    fields.sort(null);
    return fields;
  }

  /** A SHA-256 digest and what feeding it needs. */
  private static final class Hasher {
    private final MessageDigest digest;
    private final byte[] length = new byte[4];

    Hasher() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Ready for a new key, whatever an earlier one left. */
    Hasher reset() {
      digest.reset();
      return this;
    }

    String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }

    void feed(JsonNode node) {
      switch (node.getNodeType()) {
        case OBJECT -> {
          digest.update((byte) '{');
          for (String field : sortedFields(node)) {
            feed(field);
            feed(node.get(field));
          }
          digest.update((byte) '}');
        }
        case ARRAY -> {
          digest.update((byte) '[');
          for (JsonNode item : node) {
            feed(item);
          }
          digest.update((byte) ']');
        }
        case NUMBER -> {
          digest.update((byte) 'n');
          feed(plain(node));
        }
        case STRING -> {
          digest.update((byte) 's');
          feed(node.textValue());
        }
        case BOOLEAN -> digest.update(node.booleanValue() ? (byte) 't' : (byte) 'f');
        default -> digest.update((byte) '0');
      }
    }

    /** Length-prefixed, so {"ab":"c"} and {"a":"bc"} never hash alike. */
    void feed(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int n = bytes.length;
      length[0] = (byte) (n >>> 24);
      length[1] = (byte) (n >>> 16);
      length[2] = (byte) (n >>> 8);
      length[3] = (byte) n;
      digest.update(length);
      digest.update(bytes);
    }
  }

  /**
   * A number as its plain decimal without trailing zeros, so 1, 1.0 and 1e0 hash alike. An int or
   * long is that already; only other numbers go through BigDecimal.
   */
  private static String plain(JsonNode number) {
    if (number.isInt() || number.isLong()) {
      return Long.toString(number.longValue());
    }
    return number.decimalValue().stripTrailingZeros().toPlainString();
  }
}
