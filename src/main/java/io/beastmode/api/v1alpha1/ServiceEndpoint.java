package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Service serving an OpenAI-compatible API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceEndpoint {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Service.")
  public String name;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Namespace of the Service; absent means the router's namespace.")
  public String namespace;

  @Default("80")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port of the Service.")
  public int port = 80;

  @Default("/v1")
  @Pattern("^/.*")
  @JsonPropertyDescription("Path prefix of the OpenAI-compatible API on the Service.")
  public String path = "/v1";
}
