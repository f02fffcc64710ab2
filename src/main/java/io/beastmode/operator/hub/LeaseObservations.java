package io.beastmode.operator.hub;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** How long this process has seen each region's hub Lease unchanged, by its own clock. */
final class LeaseObservations {
  private record Seen(String resourceVersion, Instant since) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final Clock clock;

  LeaseObservations(Clock clock) {
    this.clock = clock;
  }

  Duration unchangedFor(String region, Optional<Lease> lease) {
    String version = lease.map(l -> l.getMetadata().getResourceVersion()).orElse("");
    Instant now = clock.instant();
    var current =
        seen.compute(
            region,
            (key, old) ->
                old != null && old.resourceVersion().equals(version)
                    ? old
                    : new Seen(version, now));
    return Duration.between(current.since(), now);
  }
}
