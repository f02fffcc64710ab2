package io.beastmode.operator.fleet;

import io.beastmode.wire.Digests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator last applied to each object it owns in a member cluster, so that a reconcile
 * which would change nothing sends no write: a router placed in twelve regions would otherwise send
 * a server-side apply per object and region on every reconcile, each one work for an API server
 * even when it changes nothing.
 *
 * <p>An object is taken as unchanged only if it is the same object (its uid) at the same version
 * the apply returned and the desired state is the same as then. Its version is its generation,
 * which only a change of its spec moves (status writes do not), or its resourceVersion for kinds
 * without one. Anything else, an edit by someone else included, gets the apply.
 */
public final class LastApplied {
  private record Applied(String uid, String version, String desired) {}

  private final Map<String, Applied> byObject = new ConcurrentHashMap<>();

  /**
   * Whether {@code live} is still what applying {@code desired} (whose {@link #digest} is {@code
   * desiredDigest}) in {@code scope} left.
   */
  boolean unchanged(String scope, HasMetadata desired, String desiredDigest, HasMetadata live) {
    var applied = byObject.get(key(scope, desired));
    return applied != null
        && live != null
        && applied.uid.equals(live.getMetadata().getUid())
        && applied.version.equals(version(live))
        && applied.desired.equals(desiredDigest);
  }

  /** Notes that applying {@code desired} (digest {@code desiredDigest}) gave {@code applied}. */
  void record(String scope, HasMetadata desired, String desiredDigest, HasMetadata applied) {
    byObject.put(
        key(scope, desired),
        new Applied(applied.getMetadata().getUid(), version(applied), desiredDigest));
  }

  /** Forgets an object deleted, or one whose apply failed. */
  void forget(String scope, HasMetadata object) {
    byObject.remove(key(scope, object));
  }

  /** Forgets every object in {@code scope}. */
  public void forgetAll(String scope) {
    byObject.keySet().removeIf(key -> key.startsWith(scope + "|"));
  }

  private static String key(String scope, HasMetadata object) {
    return scope + "|" + object.getKind() + "/" + object.getMetadata().getName();
  }

  private static String version(HasMetadata object) {
    return Objects.requireNonNullElse(
        Objects.toString(object.getMetadata().getGeneration(), null),
        Objects.requireNonNullElse(object.getMetadata().getResourceVersion(), ""));
  }

  /** The desired state's digest, made once per object and reconcile. */
  static String digest(HasMetadata desired) {
    return Digests.sha256Hex(Serialization.asJson(desired));
  }
}
