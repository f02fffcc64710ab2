package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How clients reach the routers of a region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExposureSpec {

  @Default("ClusterIP")
  @JsonPropertyDescription("Type of the router Service.")
  public ServiceExposure serviceType = ServiceExposure.ClusterIP;

  @Default("8080")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port of the router Service.")
  public int port = 8080;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Global host name clients use; weighted DNS or Gateway routes point it at the regions.")
  public String hostname;
}
