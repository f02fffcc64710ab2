package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** How a region's routers reach their Redis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionRedis {

  @Required
  @Pattern("^rediss?://.+")
  @JsonPropertyDescription("Redis URL, for example redis://redis.beastmode:6379/0.")
  public String url;

  @JsonPropertyDescription("Secret key holding the Redis password, if any.")
  public SecretKeyReference passwordSecretRef;
}
