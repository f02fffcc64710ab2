package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * What an ApiKey may spend, by UTC day and calendar month. A request is admitted only if its
 * estimated cost (prompt estimate plus {@code max_tokens}, at the chosen model's prices) fits in
 * what is left after the spend so far and the reservations of requests in flight.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyBudget {

  @Min(0)
  @Max(100000000)
  @JsonPropertyDescription("USD per UTC day; absent means no daily budget.")
  public Double usdPerDay;

  @Min(0)
  @Max(1000000000)
  @JsonPropertyDescription("USD per UTC calendar month; absent means no monthly budget.")
  public Double usdPerMonth;

  @Min(1)
  @JsonPropertyDescription("Prompt and completion tokens per UTC day; absent means no limit.")
  public Long tokensPerDay;

  @Min(0)
  @Max(1000000)
  @JsonPropertyDescription(
      "USD of this budget each router may admit per UTC day on its own estimate while the"
          + " region's Redis (the ledger that makes budgets exact) is unreachable; what it admits"
          + " is written to the ledger when Redis returns. 0: such requests are refused with 429"
          + " and Retry-After (fail closed). Absent: the LLMRouter's access.localAllowanceUsd"
          + " (absent there too: fail closed). A budget can end a day at most routers x this"
          + " over its limit.")
  public Double localAllowanceUsd;

  @Default("Key")
  @JsonPropertyDescription(
      "Key: this key's own spend counts; Tenant: the spend of every key of the tenant with scope"
          + " Tenant counts, so they share one budget (each key enforces its own amounts).")
  public BudgetScope scope = BudgetScope.Key;
}
