package io.beastmode.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Why a call to a cluster failed, in one line for logs and status: the HTTP status code with the
 * API server's reason and message when it answered, and the cause chain when it did not. fabric8
 * wraps transport failures (refused, reset, closed, timed out) as "An error has occurred." and
 * keeps the reason only in the causes, which a bare {@code getMessage()} drops.
 */
public final class CallFailures {
  /** fabric8's message for a failure it only wraps; it says nothing on its own. */
  static final String FABRIC8_GENERIC = "An error has occurred.";

  private static final int MAX_CAUSES = 6;

  private CallFailures() {}

  public static String describe(Throwable failure) {
    var parts = new ArrayList<String>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && parts.size() < MAX_CAUSES && seen.add(t); ) {
      String part = t instanceof KubernetesClientException k ? answer(k) : plain(t);
      if (part != null && (parts.isEmpty() || !parts.get(parts.size() - 1).endsWith(part))) {
        parts.add(part);
      }
      t = t.getCause();
    }
    return parts.isEmpty()
        ? failure.getClass().getSimpleName()
        : String.join("; caused by ", parts);
  }

  /** What the API server answered (code, reason, message), or null for a bare wrapper. */
  private static String answer(KubernetesClientException e) {
    var status = e.getStatus();
    String message = status != null && status.getMessage() != null ? status.getMessage() : null;
    if (message == null && !FABRIC8_GENERIC.equals(e.getMessage())) {
      message = e.getMessage();
    }
    if (e.getCode() <= 0) {
      return message;
    }
    String reason = status == null ? null : status.getReason();
    return "HTTP "
        + e.getCode()
        + (reason == null || reason.isBlank() ? "" : " " + reason)
        + (message == null ? "" : ": " + message);
  }

  /** A throwable's class and message; null for a wrapper that only repeats its cause. */
  private static String plain(Throwable t) {
    if (t.getCause() != null && t.getCause().toString().equals(t.getMessage())) {
      return null;
    }
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
