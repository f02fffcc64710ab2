package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A Sentinel set and the name under which it watches a region's Redis master. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisSentinel {

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "URLs of the sentinels, for example redis://redis-sentinel-0.beastmode:26379; any one that"
          + " answers names the master.")
  public List<@Pattern("^rediss?://[^,]+$") String> urls;

  @Required
  @Pattern("^[A-Za-z0-9._-]{1,64}$")
  @JsonPropertyDescription(
      "The master's name in the sentinels' configuration (sentinel monitor NAME ...), for example"
          + " mymaster.")
  public String masterName;

  @Min(0)
  @Max(8)
  @JsonPropertyDescription(
      "Replicas that must have each write of the quota ledger (reservations, settlements) before"
          + " a router counts it done (Redis WAIT): with 1, a failover to the most up-to-date"
          + " replica loses no acknowledged settlement, at the cost of a replica round trip per"
          + " admission and settlement. A write not confirmed in time is kept and written again."
          + " 0 (default): the master's reply suffices.")
  public Integer ledgerWaitReplicas;
}
