package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Desired state of an ApiKey. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ApiKeySpec {

  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(
      value = "self.all(r, self.exists_one(o, o.name == r.name))",
      message = "each router may be listed once")
  @JsonPropertyDescription("LLMRouters (in this namespace) the key opens.")
  public List<NamedReference> routers;

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription(
      "The tenant the caller acts as: its cached answers and usage are kept apart from every"
          + " other tenant's. Keys of one tenant share them.")
  public String tenant;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Models and aliases the key may ask for by name; empty allows every model of the router."
          + " A request for another gets 403.")
  public List<String> models = new ArrayList<>();

  @ValidationRule(
      value =
          "self.matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$')",
      message = "expiresAt must be an RFC 3339 time, for example 2027-01-31T00:00:00Z")
  @JsonPropertyDescription(
      "When the key stops working (RFC 3339). Routers refuse it from then on; absent means never.")
  public String expiresAt;

  @JsonPropertyDescription("Requests and tokens per minute.")
  public KeyLimits limits;

  @JsonPropertyDescription(
      "The semantic cache for this key: a lower bound on wrong answers, or shadow mode.")
  public KeyCache cache;

  @JsonPropertyDescription("USD and tokens per day or month; 429 insufficient_quota once spent.")
  public KeyBudget budget;

  @Default("3600")
  @Min(0)
  @Max(2592000)
  @JsonPropertyDescription(
      "After a rotation, how long the previous value keeps working, in seconds (0 closes it at"
          + " once).")
  public int rotationGraceSeconds = 3600;
}
