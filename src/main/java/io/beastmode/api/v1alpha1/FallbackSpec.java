package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What a router does when a model fails before the first byte of its answer. */
public class FallbackSpec {

  @Default("[]")
  @Size(max = 16)
  @JsonPropertyDescription(
      "Models tried in order after the chosen one fails; each must be in one of the router's pools.")
  public List<String> chain = List.of();

  @Default("[\"timeout\",\"serverError\",\"rateLimited\",\"connectionError\"]")
  @Size(max = 4)
  @JsonPropertyDescription("Failures that move on to the next model.")
  public List<FallbackTrigger> triggers =
      List.of(
          FallbackTrigger.timeout,
          FallbackTrigger.serverError,
          FallbackTrigger.rateLimited,
          FallbackTrigger.connectionError);

  @Default("3")
  @Min(1)
  @Max(10)
  @JsonPropertyDescription("Most upstream calls for one request, retries and fallbacks together.")
  public int maxAttempts = 3;

  @Default("30")
  @Min(1)
  @Max(600)
  @JsonPropertyDescription("Seconds to wait for the first byte of an upstream answer.")
  public int timeoutSeconds = 30;

  @Default("true")
  @JsonPropertyDescription("After the chain, forward the request to a healthy peer region.")
  public boolean peerRegions = true;
}
