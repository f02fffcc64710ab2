package io.beastmode.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Labels and annotations on everything the operator creates. Owner references cannot cross
 * clusters, so objects name their owner in an annotation and are selected by labels.
 */
public final class ManagedLabels {
  public static final String MANAGED_BY_KEY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "beast-mode";
  public static final String MANAGED_SELECTOR = MANAGED_BY_KEY + "=" + MANAGED_BY;
  public static final String OWNER_KEY = "beastmode.io/owner";
  public static final String REGION_KEY = "beastmode.io/region";
  public static final String NAME_KEY = "app.kubernetes.io/name";
  public static final String INSTANCE_KEY = "app.kubernetes.io/instance";
  public static final String COMPONENT_KEY = "app.kubernetes.io/component";
  public static final String ROUTER_COMPONENT = "router";

  private ManagedLabels() {}

  /** Labels of a router's objects in one region. */
  public static Map<String, String> forRouter(RouterKey router, String region) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(NAME_KEY, "beast-mode-router");
    labels.put(INSTANCE_KEY, router.name());
    labels.put(COMPONENT_KEY, ROUTER_COMPONENT);
    labels.put(MANAGED_BY_KEY, MANAGED_BY);
    labels.put(OWNER_KEY, router.labelValue());
    labels.put(REGION_KEY, region);
    return labels;
  }

  /** The labels pods are selected by; stable for the life of the Deployment. */
  public static Map<String, String> podSelector(String name) {
    return Map.of(NAME_KEY, "beast-mode-router", INSTANCE_KEY, name);
  }

  /** The LLMRouter an object belongs to, read from its owner annotation. */
  public static Optional<ResourceID> ownerOf(HasMetadata object) {
    var annotations = object.getMetadata().getAnnotations();
    String owner = annotations == null ? null : annotations.get(OWNER_KEY);
    if (owner == null || !owner.contains("/")) {
      return Optional.empty();
    }
    int slash = owner.indexOf('/');
    return Optional.of(new ResourceID(owner.substring(slash + 1), owner.substring(0, slash)));
  }

  /**
   * The owner reference that makes {@code owner} an object's controller, so deleting the owner
   * deletes the object (within one cluster and one namespace).
   */
  public static OwnerReference controlledBy(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }
}
