package io.beastmode.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.lang.reflect.InvocationTargetException;

/** Patches a status only when it differs from the one the resource carries. */
public final class StatusPatch {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusPatch() {}

  public static boolean same(Object a, Object b) {
    return MAPPER.valueToTree(a).equals(MAPPER.valueToTree(b));
  }

  /**
   * Patches {@code status} onto {@code resource} by server-side apply when it changed, and caches
   * the result at once: the next reconcile, often woken by this one's own writes, must decide from
   * this status rather than the one before it, or it would take the same step twice. The patch
   * carries only name, namespace and status, so it owns no spec field.
   */
  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(
      P resource, S status, Context<P> context) {
    if (!same(status, resource.getStatus())) {
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          resource, statusOnly(resource, status), context);
    }
    return UpdateControl.noUpdate();
  }

  @SuppressWarnings("unchecked")
  static <S, P extends CustomResource<?, S>> P statusOnly(P resource, S status) {
    try {
      P patch = (P) resource.getClass().getDeclaredConstructor().newInstance();
      patch.setMetadata(
          new ObjectMetaBuilder()
              .withName(resource.getMetadata().getName())
              .withNamespace(resource.getMetadata().getNamespace())
              .build());
      patch.setStatus(status);
      return patch;
    } catch (InstantiationException
        | IllegalAccessException
        | NoSuchMethodException
        | InvocationTargetException e) {
      throw new IllegalStateException(
          "custom resource classes have a public no-argument constructor", e);
    }
  }
}
