package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.BurnRateStatus;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveSpec;
import io.beastmode.api.v1alpha1.SloIndicators;
import io.beastmode.wire.UsageSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * An objective evaluated on what its router's regions served over each window it needs: the
 * indicators and error budget over the SLO window, and each burn-rate rule over its two windows,
 * for the router as a whole and per region. Pure.
 *
 * @param indicators indicators over the SLO window, all regions merged
 * @param budgetRemainingPercent error budget left over the SLO window
 * @param met whether every target is met over the SLO window
 * @param burnRates each rule's rates for the status
 * @param rules each rule's state for {@link SloActionPlanner}
 */
public record SloEvaluation(
    SloIndicators indicators,
    double budgetRemainingPercent,
    boolean met,
    List<BurnRateStatus> burnRates,
    List<SloActionPlanner.RuleState> rules) {

  /** Every window an objective reads: its SLO window and both windows of each rule. */
  public static List<Duration> windows(ServiceLevelObjectiveSpec spec) {
    var windows = new LinkedHashSet<Duration>();
    windows.add(Duration.ofDays(spec.windowDays));
    for (var rule : spec.burnRateRules) {
      windows.add(parse(rule.longWindow));
      windows.add(parse(rule.shortWindow));
    }
    return List.copyOf(windows);
  }

  /**
   * @param samples per region, what it served over each of {@link #windows}
   */
  public static SloEvaluation evaluate(
      ServiceLevelObjectiveSpec spec, Map<String, Map<Duration, UsageSample>> samples) {
    Duration window = Duration.ofDays(spec.windowDays);
    var whole = merged(samples, window);
    double wholeBurn = BurnRates.burnRate(spec.targets, whole);
    var statuses = new ArrayList<BurnRateStatus>();
    var rules = new ArrayList<SloActionPlanner.RuleState>();
    for (var rule : spec.burnRateRules) {
      Duration longWindow = parse(rule.longWindow);
      Duration shortWindow = parse(rule.shortWindow);
      double longRate = BurnRates.burnRate(spec.targets, merged(samples, longWindow));
      double shortRate = BurnRates.burnRate(spec.targets, merged(samples, shortWindow));
      boolean firing = longRate > rule.burnRate && shortRate > rule.burnRate;
      var regions = new TreeSet<String>();
      samples.forEach(
          (region, byWindow) -> {
            if (BurnRates.burnRate(
                        spec.targets, byWindow.getOrDefault(longWindow, UsageSample.EMPTY))
                    > rule.burnRate
                && BurnRates.burnRate(
                        spec.targets, byWindow.getOrDefault(shortWindow, UsageSample.EMPTY))
                    > rule.burnRate) {
              regions.add(region);
            }
          });
      var status = new BurnRateStatus();
      status.rule = rule.name;
      status.longWindowRate = round(longRate);
      status.shortWindowRate = round(shortRate);
      status.firing = firing;
      status.firingRegions = regions.isEmpty() ? null : List.copyOf(regions);
      statuses.add(status);
      String reason =
          String.format(
              Locale.ROOT,
              "rule %s: burn %.1fx over %s and %.1fx over %s (threshold %sx)%s",
              rule.name,
              longRate,
              rule.longWindow,
              shortRate,
              rule.shortWindow,
              rule.burnRate,
              regions.isEmpty() ? "" : " in " + String.join(", ", regions));
      rules.add(new SloActionPlanner.RuleState(rule, firing, regions, reason));
    }
    return new SloEvaluation(
        BurnRates.indicators(whole),
        BurnRates.budgetRemainingPercent(spec.targets, whole),
        wholeBurn <= 1,
        statuses,
        rules);
  }

  /** A window such as 30s, 5m or 1h. */
  public static Duration parse(String window) {
    long amount = Long.parseLong(window.substring(0, window.length() - 1));
    return switch (window.charAt(window.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default ->
          throw new IllegalArgumentException(
              "window " + window + ": expected a number followed by s, m or h");
    };
  }

  private static UsageSample merged(
      Map<String, Map<Duration, UsageSample>> samples, Duration window) {
    return samples.values().stream()
        .map(byWindow -> byWindow.getOrDefault(window, UsageSample.EMPTY))
        .reduce(UsageSample.EMPTY, UsageSample::plus);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
