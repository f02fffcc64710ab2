package io.beastmode.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
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
   * An UpdateControl that patches {@code status} onto {@code resource}, or none when nothing
   * changed. The patch carries only name, namespace and status, so server-side apply owns no spec
   * field.
   */
  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(P resource, S status) {
    if (same(status, resource.getStatus())) {
      return UpdateControl.noUpdate();
    }
    return UpdateControl.patchStatus(statusOnly(resource, status));
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
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException | InvocationTargetException e) {
      throw new IllegalStateException("custom resource classes have a public no-argument constructor", e);
    }
  }
}
