package io.beastmode.operator.pool;

import io.beastmode.api.v1alpha1.CircuitState;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.Model;
import io.beastmode.api.v1alpha1.ModelHealth;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.ModelPoolStatus;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.StatusPatch;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Checks that a pool's credential Secrets exist and reports its models. */
@ControllerConfiguration(name = "modelpool")
public class ModelPoolReconciler implements Reconciler<ModelPool> {
  static final Duration MISSING_SECRET_RECHECK = Duration.ofSeconds(30);

  private final Conditions conditions;

  public ModelPoolReconciler(Clock clock) {
    this.conditions = new Conditions(clock);
  }

  @Override
  public UpdateControl<ModelPool> reconcile(ModelPool pool, Context<ModelPool> context) {
    if (RestoreHold.held(pool)) {
      return UpdateControl.<ModelPool>noUpdate().rescheduleAfter(RestoreHold.RECHECK);
    }
    String namespace = pool.getMetadata().getNamespace();
    var missing =
        pool.getSpec().models.stream()
            .map(m -> m.credentialsSecretRef)
            .filter(Objects::nonNull)
            .filter(
                ref ->
                    context.getClient().secrets().inNamespace(namespace).withName(ref.name).get()
                        == null)
            .map(ref -> ref.name)
            .distinct()
            .toList();
    var status = new ModelPoolStatus();
    status.observedGeneration = pool.getMetadata().getGeneration();
    status.modelCount = pool.getSpec().models.size();
    status.models = pool.getSpec().models.stream().map(m -> health(m, pool.getStatus())).toList();
    var ready =
        missing.isEmpty()
            ? Conditions.ready(ConditionStatus.True, "Valid", status.modelCount + " model(s)")
            : Conditions.ready(
                ConditionStatus.False,
                "SecretNotFound",
                "credentialsSecretRef: Secret "
                    + String.join(", ", missing)
                    + " not found in namespace "
                    + namespace);
    conditions.set(status, pool.getStatus(), status.observedGeneration, ready);
    var control = StatusPatch.ifChanged(pool, status, context);
    return missing.isEmpty() ? control : control.rescheduleAfter(MISSING_SECRET_RECHECK);
  }

  /** Routers report model health; until they do, a model's circuit is Unknown. */
  private static ModelHealth health(Model model, ModelPoolStatus previous) {
    if (previous != null && previous.models != null) {
      for (var known : previous.models) {
        if (known.name.equals(model.name)) {
          return known;
        }
      }
    }
    return new ModelHealth(model.name, CircuitState.Unknown);
  }
}
