package io.beastmode.wire;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where a key's rate limits and budget are counted in its region's Redis. Every key of one tenant
 * carries the tenant in braces (a Redis Cluster hash tag), so the counters one request touches live
 * together and one script can check and change them atomically.
 *
 * <pre>
 * beastmode:quota:{tenant}:key:ns/name:rpm:minute   requests in a UTC minute (the key's own)
 * beastmode:quota:{tenant}:key:ns/name:tpm:minute   tokens in a UTC minute
 * beastmode:quota:{tenant}:SUBJECT:usd:2026-11-27   nano-USD spent on a UTC day
 * beastmode:quota:{tenant}:SUBJECT:usd:2026-11      nano-USD spent in a UTC month
 * beastmode:quota:{tenant}:SUBJECT:tok:2026-11-27   tokens spent on a UTC day
 * beastmode:quota:{tenant}:SUBJECT:held             reservations of requests in flight
 * beastmode:quota:{tenant}:SUBJECT:open             their deadlines
 * </pre>
 *
 * SUBJECT is {@code key:ns/name} for a key's own budget and {@code tenant} for one its tenant's
 * keys share.
 *
 * @param counter the prefix of the rate counters (the key's)
 * @param budget the prefix of the budget counters (the key's or the tenant's)
 */
public record QuotaKeys(String counter, String budget) {
  public static final String PREFIX = "beastmode:quota:";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

  /**
   * @param apiKey the ApiKey as namespace/name
   * @param tenantBudget whether the budget is the tenant's
   */
  public static QuotaKeys of(String tenant, String apiKey, boolean tenantBudget) {
    String tag = PREFIX + "{" + tenant + "}:";
    String counter = tag + "key:" + apiKey;
    return new QuotaKeys(counter, tenantBudget ? tag + "tenant" : counter);
  }

  public String requestsInMinute(long epochMinute) {
    return counter + ":rpm:" + epochMinute;
  }

  public String tokensInMinute(long epochMinute) {
    return counter + ":tpm:" + epochMinute;
  }

  public String usdOnDay(Instant at) {
    return budget + ":usd:" + DAY.format(at);
  }

  public String usdInMonth(Instant at) {
    return budget + ":usd:" + MONTH.format(at);
  }

  public String tokensOnDay(Instant at) {
    return budget + ":tok:" + DAY.format(at);
  }

  public String held() {
    return budget + ":held";
  }

  public String deadlines() {
    return budget + ":open";
  }
}
