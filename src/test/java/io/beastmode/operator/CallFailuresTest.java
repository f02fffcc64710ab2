package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CallFailuresTest {

  @Test
  void aTransportFailureFabric8WrapsNamesItsCauseChain() {
    var wrapped =
        fabric8Wrapped(
            new java.io.IOException("refused", new ConnectException("Connection refused")));

    String described = CallFailures.describe(wrapped);

    assertThat(described)
        .doesNotContain(CallFailures.FABRIC8_GENERIC)
        .contains("IOException: refused")
        .contains("ConnectException: Connection refused");
  }

  @Test
  void aClosedConnectionIsNamed() {
    var wrapped = fabric8Wrapped(new HttpClosedException("Connection was closed"));

    assertThat(CallFailures.describe(wrapped))
        .isEqualTo("HttpClosedException: Connection was closed");
  }

  @Test
  void anAnswerGivesItsStatusCodeReasonAndMessage() {
    var status =
        new StatusBuilder()
            .withCode(409)
            .withReason("Conflict")
            .withMessage("Operation cannot be fulfilled on configmaps \"global\"")
            .build();

    assertThat(CallFailures.describe(new KubernetesClientException(status)))
        .isEqualTo("HTTP 409 Conflict: Operation cannot be fulfilled on configmaps \"global\"");
  }

  @Test
  void aFailureInsideAnExecutionExceptionIsDescribedThroughIt() {
    var failure =
        new ExecutionException(fabric8Wrapped(new ConnectException("Connection refused")));

    assertThat(CallFailures.describe(failure)).isEqualTo("ConnectException: Connection refused");
  }

  /** What fabric8's launderThrowable makes of a failure that is not an answer. */
  private static KubernetesClientException fabric8Wrapped(Throwable cause) {
    return new KubernetesClientException(CallFailures.FABRIC8_GENERIC, cause);
  }
}
