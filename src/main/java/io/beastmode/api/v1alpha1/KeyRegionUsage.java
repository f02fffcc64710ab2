package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What an ApiKey used in one region, as that region's Redis counts it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyRegionUsage {

  @JsonPropertyDescription("The Region.")
  public String region;

  @JsonPropertyDescription(
      "USD spent today (UTC) against the key's budget in this region; with scope Tenant, the"
          + " tenant's. Counted only for keys with a budget.")
  public Double usdToday;

  @JsonPropertyDescription("USD spent this UTC month against the budget in this region.")
  public Double usdThisMonth;

  @JsonPropertyDescription("Tokens spent today (UTC) against the budget in this region.")
  public Long tokensToday;

  @JsonPropertyDescription(
      "This region's share of the daily USD budget today, when several regions share it.")
  public Double usdTodayAllowance;

  @JsonPropertyDescription("This region's share of the monthly USD budget this month.")
  public Double usdThisMonthAllowance;

  @JsonPropertyDescription("This region's share of the daily token budget today.")
  public Long tokensTodayAllowance;

  @JsonPropertyDescription("When a router of this region last admitted the key (RFC 3339).")
  public String lastUsedAt;

  public KeyRegionUsage() {}

  public KeyRegionUsage(
      String region, Double usdToday, Double usdThisMonth, Long tokensToday, String lastUsedAt) {
    this.region = region;
    this.usdToday = usdToday;
    this.usdThisMonth = usdThisMonth;
    this.tokensToday = tokensToday;
    this.lastUsedAt = lastUsedAt;
  }
}
