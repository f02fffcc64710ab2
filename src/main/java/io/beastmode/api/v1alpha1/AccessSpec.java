package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Who may call an LLMRouter's routers. */
public class AccessSpec {

  @Default("keys")
  @JsonPropertyDescription(
      "keys: only callers with an ApiKey naming this router (Authorization: Bearer, api-key or"
          + " x-api-key header), their key deciding the tenant; open: anyone who reaches the"
          + " router (for local use).")
  public AccessMode mode = AccessMode.keys;

  @Min(0)
  @Max(1000000)
  @JsonPropertyDescription(
      "The ledger outage policy of the budgets of ApiKeys naming this router whose budget does"
          + " not set localAllowanceUsd: USD each router may admit per budget and UTC day on its"
          + " own estimate while the region's Redis is unreachable. An ApiKey's own"
          + " localAllowanceUsd, 0 included, wins. Absent or 0: fail closed (429 with"
          + " Retry-After).")
  public Double localAllowanceUsd;
}
