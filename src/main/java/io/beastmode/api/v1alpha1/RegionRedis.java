package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How a region's routers (and the operator) reach the region's Redis: one server at {@code url}, or
 * the master a Sentinel set names, followed across failovers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.url) != has(self.sentinel)",
    message = "set url (one server) or sentinel (a Sentinel set), not both")
public class RegionRedis {

  @Pattern("^rediss?://.+")
  @JsonPropertyDescription(
      "Redis URL of a single server, for example redis://redis.beastmode:6379/0. Leave unset when"
          + " sentinel is set.")
  public String url;

  @JsonPropertyDescription(
      "A Sentinel set that names the region's Redis master: routers and the operator ask it for"
          + " the master and follow it when Sentinel fails over to a replica. Leave unset when url"
          + " is set.")
  public RedisSentinel sentinel;

  @JsonPropertyDescription("Secret key holding the Redis password, if any.")
  public SecretKeyReference passwordSecretRef;
}
