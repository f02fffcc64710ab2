package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Limits and resources of each router pod. */
public class RouterPodSpec {

  @Default("1048576")
  @Min(1024)
  @Max(104857600)
  @JsonPropertyDescription("Largest request body in bytes; larger bodies get 413.")
  public int maxRequestBytes = 1048576;

  @Default("512")
  @Min(1)
  @Max(100000)
  @JsonPropertyDescription("Most requests in flight per pod; more get 429 with Retry-After.")
  public int maxInFlight = 512;

  @Default("250m")
  @Pattern("^[0-9]+(\\.[0-9]+)?m?$")
  @JsonPropertyDescription("CPU request of a router pod.")
  public String cpuRequest = "250m";

  @Default("384Mi")
  @Pattern("^[0-9]+(Ki|Mi|Gi)?$")
  @JsonPropertyDescription("Memory request and limit of a router pod.")
  public String memory = "384Mi";
}
