package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** A standby hub's promotion, recorded step by step like a failover. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HubPromotion {

  @JsonPropertyDescription("The hub epoch this promotion took; every older hub is fenced by it.")
  public Long epoch;

  @JsonPropertyDescription("The hub that held the regions' Leases before, with its epoch.")
  public String previousHub;

  @JsonPropertyDescription("True when the standby promoted itself (automatic promotion).")
  public Boolean automatic;

  @JsonPropertyDescription("When the loss of the active hub was detected (RFC 3339).")
  public String detectedTime;

  @JsonPropertyDescription("When the promotion was decided and its epoch taken (RFC 3339).")
  public String decidedTime;

  @JsonPropertyDescription(
      "When the hub Lease of every reachable region was held with the new epoch (RFC 3339).")
  public String fencedTime;

  @JsonPropertyDescription("When the newest backed-up state was applied here (RFC 3339).")
  public String restoredTime;

  @JsonPropertyDescription(
      "When every LLMRouter had been reconciled by this hub for the first time (RFC 3339).")
  public String reconcilingTime;

  @JsonPropertyDescription("Seconds from detection until this hub was reconciling.")
  public Long promotionSeconds;

  @JsonPropertyDescription("Regions whose Lease could not be taken yet (unreachable).")
  public List<String> unreachableRegions;
}
