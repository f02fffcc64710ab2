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
 * beastmode:quota:{tenant}:SUBJECT:allow:2026-11-27 this region's share of the day's budgets
 * beastmode:quota:{tenant}:SUBJECT:allow:2026-11    this region's share of the month's
 * beastmode:quota:{tenant}:SUBJECT:settled:ROUTER:DAY which of a router's settlements are written
 * </pre>
 *
 * SUBJECT is {@code key:ns/name} for a key's own budget and {@code tenant} for one its tenant's
 * keys share. A budget used in several regions is split into regional allowances, which the
 * operator writes into each region's {@code allow} hashes (fields {@code usd} and {@code tok}, as
 * in {@code held}); a region without one for the period takes an even share.
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
    return spent(Budget.USD_PER_DAY, at);
  }

  public String usdInMonth(Instant at) {
    return spent(Budget.USD_PER_MONTH, at);
  }

  public String tokensOnDay(Instant at) {
    return spent(Budget.TOKENS_PER_DAY, at);
  }

  /** The counter of what the budget's period holding {@code at} has spent. */
  public String spent(Budget measure, Instant at) {
    return budget + ":" + measure.field + ":" + measure.period(at);
  }

  /** This region's allowances for the budget's period holding {@code at}. */
  public String allowances(Budget measure, Instant at) {
    return budget + ":allow:" + measure.period(at);
  }

  /**
   * The bitmap of a router's settlements of this budget for requests admitted on a UTC day: a
   * settlement sent twice (its first reply was lost) finds its bit set and counts once.
   *
   * @param router the router process's own id
   */
  public String settled(String router, long epochDay) {
    return budget + ":settled:" + router + ":" + epochDay;
  }

  public String held() {
    return budget + ":held";
  }

  public String deadlines() {
    return budget + ":open";
  }

  /**
   * The three budgets a key can have, each spent per UTC period and split across regions.
   *
   * @param field how the {@code held} and {@code allow} hashes name its measure: nano-USD or tokens
   */
  public enum Budget {
    USD_PER_DAY("usd", false),
    USD_PER_MONTH("usd", true),
    TOKENS_PER_DAY("tok", false);

    public final String field;
    private final boolean monthly;

    Budget(String field, boolean monthly) {
      this.field = field;
      this.monthly = monthly;
    }

    /** The UTC period holding {@code at}, as the counters name it: 2026-11-27 or 2026-11. */
    public String period(Instant at) {
      Day day = Day.of(at);
      return monthly ? day.month() : day.day();
    }
  }

  /**
   * A UTC day's names, as its counters and its month's carry them. Every admission and settlement
   * names the same day's counters several times: the last day named is kept, instead of formatting
   * the date each time.
   */
  private record Day(long epochDay, String day, String month) {
    private static volatile Day last = new Day(Long.MIN_VALUE, "", "");

    static Day of(Instant at) {
      long epochDay = Math.floorDiv(at.getEpochSecond(), 86_400);
      Day day = last;
      if (day.epochDay() != epochDay) {
        Instant start = Instant.ofEpochSecond(epochDay * 86_400);
        day = new Day(epochDay, DAY.format(start), MONTH.format(start));
        last = day;
      }
      return day;
    }
  }
}
