package io.beastmode.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on the operator's objects; an Event that cannot be written is only
 * logged.
 */
public final class Events {
  private static final Logger LOG = Logger.getLogger(Events.class);
  public static final String COMPONENT = "beast-mode-operator";

  private Events() {}

  public static void record(
      KubernetesClient client, HasMetadata object, boolean warning, String reason, String message) {
    String now = Instant.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(object.getMetadata().getName() + "-")
            .withNamespace(object.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(object.getMetadata().getName())
            .withNamespace(object.getMetadata().getNamespace())
            .withUid(object.getMetadata().getUid())
            .endInvolvedObject()
            .withType(warning ? "Warning" : "Normal")
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
      client
          .v1()
          .events()
          .inNamespace(object.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "event %s on %s/%s not recorded: %s",
          reason, object.getKind(), object.getMetadata().getName(), e.getMessage());
    }
  }
}
