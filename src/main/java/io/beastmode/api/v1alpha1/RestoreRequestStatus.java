package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a RestoreRequest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreRequestStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the restore completed.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
  public RestorePhase phase;

  @JsonPropertyDescription("The snapshot being restored.")
  public String snapshot;

  @JsonPropertyDescription("When the restore started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When it completed (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Objects restored.")
  public Integer restoredObjects;

  @JsonPropertyDescription(
      "Objects that already existed as in the snapshot, taken over as they are.")
  public Integer adoptedObjects;

  @JsonPropertyDescription(
      "Objects that exist here and differ from the snapshot, kept as they are (kind namespace/name).")
  public List<String> conflicts;

  @JsonPropertyDescription(
      "Regions whose router state (usage history, budgets) is not restored yet: their Redis could"
          + " not be reached; it is restored when it can be.")
  public List<String> pendingRegions;

  @JsonPropertyDescription("Measured seconds from start until the restored routers were ready.")
  public Long measuredRtoSeconds;

  @JsonPropertyDescription("Age in seconds of the snapshot when the restore started.")
  public Long measuredRpoSeconds;

  @JsonPropertyDescription("With PromoteStandby: each step of the promotion, as it happened.")
  public HubPromotion promotion;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }
}
