package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Desired state of an LLMRouter. */
public class LLMRouterSpec {

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription("ModelPools (in this namespace) whose models the router may use.")
  public List<NamedReference> modelPools;

  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(
      value = "self.all(r, self.exists_one(o, o.name == r.name))",
      message = "each region may be listed once")
  @JsonPropertyDescription("Regions the router runs in, with their replicas.")
  public List<RegionPlacement> regions;

  @Default("{}")
  @JsonPropertyDescription("How a model is chosen for each request.")
  public SelectionSpec selection = new SelectionSpec();

  @Default("{}")
  @JsonPropertyDescription("Response cache in the region's Redis.")
  public CacheSpec cache = new CacheSpec();

  @Default("{}")
  @JsonPropertyDescription("What happens when a model fails before answering.")
  public FallbackSpec fallback = new FallbackSpec();

  @Default("{}")
  @JsonPropertyDescription("Circuit breaker in front of every backend.")
  public CircuitBreakerSpec circuitBreaker = new CircuitBreakerSpec();

  @Default("{}")
  @JsonPropertyDescription("Horizontal autoscaling of the routers in each region.")
  public AutoscalingSpec autoscaling = new AutoscalingSpec();

  @Default("{}")
  @JsonPropertyDescription("How traffic moves between regions when one fails.")
  public FailoverSpec failover = new FailoverSpec();

  @Default("{}")
  @JsonPropertyDescription("How clients reach the routers.")
  public ExposureSpec exposure = new ExposureSpec();

  @Default("{}")
  @JsonPropertyDescription("Who may call the routers: API keys (the default) or anyone.")
  public AccessSpec access = new AccessSpec();

  @Default("{}")
  @JsonPropertyDescription("Limits and resources of each router pod.")
  public RouterPodSpec router = new RouterPodSpec();
}
