package io.beastmode.operator;

import io.beastmode.wire.Digests;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Which LLMRouter something belongs to, in every form the operator writes it: {@code
 * <namespace>/<name>} in files, heartbeats, annotations, meter tags and map keys, and a label value
 * that fits Kubernetes' 63 characters.
 */
public record RouterKey(String namespace, String name) {

  public static RouterKey of(HasMetadata router) {
    return new RouterKey(router.getMetadata().getNamespace(), router.getMetadata().getName());
  }

  /** {@code <namespace>.<name>}, hashed to fit the 63-character limit of a label value. */
  public String labelValue() {
    String value = namespace + "." + name;
    if (value.length() <= 63) {
      return value;
    }
    return value.substring(0, 46) + "-" + Digests.sha256Hex(value).substring(0, 16);
  }

  /** {@code <namespace>/<name>}, never truncated. */
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
