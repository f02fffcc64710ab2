package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.operator.CallFailures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Releases from a flap hold: a user lists regions in {@value #ANNOTATION} on the LLMRouter; the
 * operator acts on them once and removes the annotation, so a later hold needs a new release.
 */
public final class HoldReleases {
  private static final Logger LOG = Logger.getLogger(HoldReleases.class);

  /** An operator releases regions from a flap hold by listing them here, comma-separated. */
  public static final String ANNOTATION = "beastmode.io/release-regions";

  private HoldReleases() {}

  public static Set<String> requested(LLMRouter router) {
    var annotations = router.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  /**
   * A merge patch without a resourceVersion, so the operator's own status writes cannot make it
   * conflict.
   */
  public static void clear(KubernetesClient hub, LLMRouter router) {
    try {
      hub.resources(LLMRouter.class)
          .inNamespace(router.getMetadata().getNamespace())
          .withName(router.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":null}}}");
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "router %s/%s: could not remove %s: %s",
          router.getMetadata().getNamespace(),
          router.getMetadata().getName(),
          ANNOTATION,
          CallFailures.describe(e));
    }
  }
}
