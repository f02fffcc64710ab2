package io.beastmode.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on the operator's objects, stamped by the operator's clock; an Event
 * that cannot be written is only logged.
 */
public final class Events {
  private static final Logger LOG = Logger.getLogger(Events.class);
  public static final String COMPONENT = "beast-mode-operator";

  /** An Event's type, as Kubernetes names it. */
  public enum Type {
    /** Something the operator did as designed. */
    Normal,
    /** Something a user should look at: traffic moved away, an SLO burns. */
    Warning
  }

  private final KubernetesClient client;
  private final Clock clock;

  public Events(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, Type.Normal, reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, Type.Warning, reason, message);
  }

  public void record(HasMetadata object, Type type, String reason, String message) {
    String now = Timestamps.format(clock.instant());
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(object.getMetadata().getName() + "-")
            .withNamespace(namespaceOf(object))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(object.getMetadata().getName())
            .withNamespace(object.getMetadata().getNamespace())
            .withUid(object.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type.name())
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(namespaceOf(object)).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "event %s on %s/%s not recorded: %s",
          reason, object.getKind(), object.getMetadata().getName(), CallFailures.describe(e));
    }
  }

  /** A cluster-scoped object's Events go to default, as Kubernetes' own do. */
  private static String namespaceOf(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return namespace == null ? "default" : namespace;
  }
}
