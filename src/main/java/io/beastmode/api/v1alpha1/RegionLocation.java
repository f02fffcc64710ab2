package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Where a region's cluster runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionLocation {

  @Required
  @Pattern("^[a-z0-9][a-z0-9-]*$")
  @Size(max = 63)
  @JsonPropertyDescription("Infrastructure provider, for example aws, gcp, azure or onprem.")
  public String provider;

  @Required
  @Pattern("^[a-z0-9][a-z0-9-]*$")
  @Size(max = 63)
  @JsonPropertyDescription("Geographic region of the provider, for example eu-west-1.")
  public String geo;

  @Pattern("^[a-z0-9][a-z0-9-]*$")
  @Size(max = 63)
  @JsonPropertyDescription(
      "Failure domain; regions sharing one are not used as each other's failover target first.")
  public String failureDomain;

  @Size(max = 16)
  @JsonPropertyDescription(
      "Data-residency tags, for example eu or gdpr; routers only fail over between regions sharing the request's tag.")
  public List<@Pattern("^[a-z0-9][a-z0-9-]*$") String> dataResidency;
}
