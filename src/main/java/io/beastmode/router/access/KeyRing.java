package io.beastmode.router.access;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.router.api.ApiError;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.Digests;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The keys that open the router, by the SHA-256 of their values: one immutable snapshot of the
 * access file. A request keeps the ring it started with. Holds no key value, and never puts one in
 * an error.
 */
public final class KeyRing {
  /** Anyone may call: a router without a keys file. */
  public static final KeyRing OPEN = new KeyRing(AccessMode.open, Map.of());

  /** Nobody may call: a keys file that is named but missing fails closed. */
  public static final KeyRing CLOSED = new KeyRing(AccessMode.keys, Map.of());

  private record Entry(Caller caller, Instant notAfter) {
    boolean expiredAt(Instant now) {
      return notAfter != null && !now.isBefore(notAfter);
    }
  }

  private final AccessMode mode;
  private final Map<String, Entry> bySha256;

  private KeyRing(AccessMode mode, Map<String, Entry> bySha256) {
    this.mode = mode;
    this.bySha256 = Map.copyOf(bySha256);
  }

  /**
   * The ring of an access file. A missing mode means keys (fail closed). Throws
   * IllegalArgumentException on a key without a hash or with a notAfter that is not RFC 3339.
   */
  public static KeyRing of(AccessConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("the access file is empty");
    }
    AccessMode mode = Objects.requireNonNullElse(config.mode(), AccessMode.keys);
    if (mode == AccessMode.open) {
      return OPEN;
    }
    Map<String, Entry> bySha256 = new HashMap<>();
    List<AccessConfig.Key> keys = config.keys() == null ? List.of() : config.keys();
    for (AccessConfig.Key key : keys) {
      if (key == null || key.sha256() == null || !key.sha256().matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException(
            "key " + (key == null ? "null" : key.apiKey()) + " has no valid sha256");
      }
      Instant notAfter = parseNotAfter(key);
      Caller caller =
          new Caller(
              key.apiKey(),
              // Never the shared, untenanted partition: a key without a tenant is its own.
              key.tenant() == null || key.tenant().isBlank() ? key.apiKey() : key.tenant(),
              key.models() == null ? Set.of() : Set.copyOf(key.models()),
              key.quota(),
              key.cache());
      // The same value listed twice (a rotation): the later expiry wins.
      bySha256.merge(
          key.sha256().toLowerCase(Locale.ROOT),
          new Entry(caller, notAfter),
          (a, b) ->
              a.notAfter() == null || (b.notAfter() != null && a.notAfter().isAfter(b.notAfter()))
                  ? a
                  : b);
    }
    return new KeyRing(mode, bySha256);
  }

  private static Instant parseNotAfter(AccessConfig.Key key) {
    if (key.notAfter() == null || key.notAfter().isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(key.notAfter()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "key " + key.apiKey() + " has a notAfter that is not RFC 3339: " + key.notAfter());
    }
  }

  public AccessMode mode() {
    return mode;
  }

  /** How many key values open the router. */
  public int size() {
    return bySha256.size();
  }

  /**
   * Admits or refuses a request that presented {@code key} (null: none) at {@code now}. In mode
   * open everyone is admitted with no caller; in mode keys a missing, unknown or expired key is
   * refused with 401.
   */
  public Admission admit(PresentedKey key, Instant now) {
    if (mode == AccessMode.open) {
      return Admission.OPEN;
    }
    if (key == null) {
      return Admission.refused(ApiError.missingApiKey());
    }
    Entry entry = bySha256.get(Digests.sha256Hex(key.value()));
    if (entry == null || entry.expiredAt(now)) {
      return Admission.refused(ApiError.invalidApiKey());
    }
    return Admission.admitted(entry.caller(), key);
  }

  @Override
  public String toString() {
    return "KeyRing[" + mode + ", " + bySha256.size() + " keys]";
  }
}
