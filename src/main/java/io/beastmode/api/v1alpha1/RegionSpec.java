package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Desired state of a Region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.kubeconfigSecretRef) || has(self.kubeconfigSecretRef.namespace)",
    message = "kubeconfigSecretRef.namespace is required: a Region is cluster-scoped",
    fieldPath = ".kubeconfigSecretRef.namespace")
public class RegionSpec {

  @Required
  @JsonPropertyDescription(
      "Where the cluster runs: provider, geography, failure domain and data-residency tags.")
  public RegionLocation location;

  @JsonPropertyDescription(
      "Secret holding a kubeconfig for the member cluster. Absent means the hub's own cluster.")
  public SecretKeyReference kubeconfigSecretRef;

  @JsonPropertyDescription(
      "Namespace in the region's cluster where routers run. Absent means the LLMRouter's own namespace.")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  public String routerNamespace;

  @JsonPropertyDescription(
      "URL at which routers of other regions reach this region's routers (peer fallback).")
  @Pattern("^https?://.+")
  public String routerEndpoint;

  @JsonPropertyDescription(
      "The region's Redis, used for the router cache, heartbeats and learned statistics.")
  public RegionRedis redis;

  @Default("{}")
  @JsonPropertyDescription("Default share of traffic and priority of the region.")
  public RegionTraffic traffic = new RegionTraffic();

  @Default("{}")
  @JsonPropertyDescription("How many routers the region can run and what each can serve.")
  public RegionCapacity capacity = new RegionCapacity();

  @Default("{}")
  @JsonPropertyDescription("How the hub probes the region and when it changes the region's health.")
  public HealthCheck healthCheck = new HealthCheck();

  @Default("false")
  @JsonPropertyDescription("When true, traffic is moved away from the region for maintenance.")
  public boolean draining;
}
