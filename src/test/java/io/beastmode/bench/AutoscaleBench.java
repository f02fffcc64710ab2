package io.beastmode.bench;

import io.beastmode.operator.autoscale.PredictiveScaling;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Replays synthetic days of router traffic through a simulated fleet of one region, under (a) the
 * HorizontalPodAutoscaler alone and (b) the HPA with the operator's predictive minimum, and counts
 * SLO-violation minutes and replica-hours on the last day.
 *
 * <p>The traffic is a working-day curve (quiet night, a steep morning ramp, a midday dip, an
 * evening decline), a trend of 2 % a day, minute-to-minute noise, two sudden spikes at the same
 * times each day (scheduled batch jobs) and one burst at a random time on each earlier day. Earlier
 * days exist so the forecast has history to learn from, as it would in a running fleet; both
 * policies run through them the same way. A second run keeps the spikes off the earlier days, to
 * show what no forecast can see coming.
 *
 * <p>Each replica serves a fixed rate and is ready a fixed start-up delay after it is created. The
 * HPA model follows the controller's documented algorithm: a 15 s sync on a metric 30 s old, a 10 %
 * tolerance, the spec's scale-up policy, the scale-down stabilisation window, and an immediate jump
 * to {@code minReplicas} when fewer replicas run. A minute violates the SLO when more than 1 % of
 * its requests find no free capacity (they queue, and p95 latency breaks).
 */
public final class AutoscaleBench {
  static final Path RESULTS = Path.of("bench", "results");
  static final int STEP_SECONDS = 15;
  static final int DAY = 86_400;
  static final int DAYS = Integer.getInteger("beastmode.bench.days", 8);
  static final int STARTUP_SECONDS = Integer.getInteger("beastmode.bench.startupSeconds", 180);
  static final double REPLICA_RATE = 20; // requests per second one replica serves at saturation
  static final double TARGET_UTILISATION = 0.7; // targetInFlightPerPod relative to saturation
  static final int MIN_REPLICAS = 2;
  static final int MAX_REPLICAS = 120;
  static final int SCALE_UP_PODS_PER_MINUTE = 8;
  static final int SCALE_DOWN_STABILISATION_SECONDS = 300;
  static final int METRIC_DELAY_SECONDS = 30;
  static final double PEAK_RATE = 600;
  static final long SEED = Long.getLong("beastmode.bench.seed", 7);

  public static void main(String[] args) throws Exception {
    double[] demand = traffic(new Random(SEED), true);
    var reactive = run(demand, false);
    var predictive = run(demand, true);
    double[] unforeseen = traffic(new Random(SEED), false);
    var unforeseenReactive = run(unforeseen, false);
    var unforeseenPredictive = run(unforeseen, true);
    var result = new LinkedHashMap<String, Object>();
    result.put("reactive", reactive.summary());
    result.put("predictive", predictive.summary());
    result.put(
        "ratios",
        Map.of(
            "slo_violation_minutes_predictive_vs_reactive",
                ratio(predictive.violationMinutes, reactive.violationMinutes),
            "replica_hours_predictive_vs_reactive",
                ratio(predictive.replicaHours, reactive.replicaHours)));
    // The same day with spikes that never happened before: no forecast can see them coming.
    result.put(
        "unforeseen_spikes",
        Map.of(
            "reactive",
            unforeseenReactive.summary(),
            "predictive",
            unforeseenPredictive.summary()));
    result.put("scenario", scenario());
    String md = markdown(reactive, predictive, unforeseenReactive, unforeseenPredictive);
    BenchResults.write(RESULTS.resolve("autoscale"), result, md);
    System.out.print(md);
  }

  /** Requests per second at each step of every day; the last day is the measured one. */
  static double[] traffic(Random random, boolean recurringSpikes) {
    int steps = DAYS * DAY / STEP_SECONDS;
    double[] rate = new double[steps];
    double noise = 0;
    for (int i = 0; i < steps; i++) {
      int t = i * STEP_SECONDS;
      int day = t / DAY;
      double hour = (t % DAY) / 3600.0;
      if (i % (60 / STEP_SECONDS) == 0) {
        noise = 0.6 * noise + 0.4 * random.nextGaussian() * 0.05;
      }
      double trend = 1 + 0.02 * day;
      rate[i] = PEAK_RATE * workingDay(hour) * trend * (1 + noise);
    }
    for (int day = 0; day < DAYS - 1; day++) {
      double start = 9 + random.nextDouble() * 8;
      burst(rate, day, start, 10, 1.5);
    }
    for (int day = recurringSpikes ? 0 : DAYS - 1; day < DAYS; day++) {
      burst(rate, day, 10 + 40 / 60.0, 12, 1.8);
      burst(rate, day, 15 + 10 / 60.0, 8, 2.2);
    }
    return rate;
  }

  /** Share of the peak rate at an hour of the day. */
  static double workingDay(double hour) {
    double night = 0.12;
    double up = smooth(hour, 7.5, 9.0);
    double down = smooth(hour, 17.0, 20.5);
    double lunch = 0.15 * bell(hour, 12.5, 0.6);
    return night + (1 - night) * up * (1 - 0.75 * down) - lunch * up * (1 - down);
  }

  private static double smooth(double x, double from, double to) {
    double u = Math.min(1, Math.max(0, (x - from) / (to - from)));
    return u * u * (3 - 2 * u);
  }

  private static double bell(double x, double mid, double width) {
    double d = (x - mid) / width;
    return Math.exp(-d * d);
  }

  private static void burst(double[] rate, int day, double startHour, int minutes, double factor) {
    int from = (int) ((day * (double) DAY + startHour * 3600) / STEP_SECONDS);
    for (int i = from; i < from + minutes * 60 / STEP_SECONDS && i < rate.length; i++) {
      rate[i] *= factor;
    }
  }

  /** One policy's run through every day; the figures count the last day only. */
  static Outcome run(double[] demand, boolean predictive) {
    var fleet = new Fleet();
    var hpa = new Hpa();
    int measuredFrom = (DAYS - 1) * DAY / STEP_SECONDS;
    int stepsPerBucket = PredictiveScaling.BUCKET_SECONDS / STEP_SECONDS;
    var buckets = new ArrayList<Double>();
    double bucket = 0;
    int minReplicas = MIN_REPLICAS;
    var outcome = new Outcome(predictive ? "predictive" : "reactive");
    double shortMinute = 0;
    double demandMinute = 0;
    fleet.scaleTo(MIN_REPLICAS, 0);
    for (int i = 0; i < demand.length; i++) {
      int t = i * STEP_SECONDS;
      bucket += demand[i] * STEP_SECONDS;
      if ((i + 1) % stepsPerBucket == 0) {
        buckets.add(bucket);
        bucket = 0;
      }
      if (predictive && t % 60 == 0 && !buckets.isEmpty()) {
        int intoBucket = (i % stepsPerBucket) * STEP_SECONDS;
        double[] history =
            buckets.stream()
                .skip(Math.max(0, buckets.size() - 8 * PredictiveScaling.BUCKETS_PER_DAY))
                .mapToDouble(Double::doubleValue)
                .toArray();
        minReplicas =
            PredictiveScaling.predict(
                    history,
                    intoBucket,
                    STARTUP_SECONDS,
                    REPLICA_RATE * TARGET_UTILISATION,
                    MIN_REPLICAS,
                    MAX_REPLICAS)
                .minReplicas();
      }
      double seen = demand[Math.max(0, i - METRIC_DELAY_SECONDS / STEP_SECONDS)];
      fleet.scaleTo(hpa.desired(fleet.replicas(), seen, minReplicas, t), t);
      double capacity = fleet.ready(t) * REPLICA_RATE;
      shortMinute += Math.max(0, demand[i] - capacity) * STEP_SECONDS;
      demandMinute += demand[i] * STEP_SECONDS;
      if (i >= measuredFrom) {
        outcome.replicaHours += fleet.replicas() * STEP_SECONDS / 3600.0;
      }
      if ((t + STEP_SECONDS) % 60 == 0) {
        if (i >= measuredFrom && shortMinute > 0.01 * demandMinute) {
          outcome.violationMinutes++;
          if (Boolean.getBoolean("beastmode.bench.verbose")) {
            System.out.printf(
                Locale.ROOT,
                "%s violation at %02d:%02d demand %.0f replicas %d ready %d min %d%n",
                outcome.policy,
                (t % DAY) / 3600,
                (t % 3600) / 60,
                demand[i],
                fleet.replicas(),
                fleet.ready(t),
                minReplicas);
          }
        }
        shortMinute = 0;
        demandMinute = 0;
      }
    }
    return outcome;
  }

  /** Replicas of one Deployment, each ready {@link #STARTUP_SECONDS} after it was created. */
  static final class Fleet {
    private final ArrayDeque<Integer> createdAt = new ArrayDeque<>();

    int replicas() {
      return createdAt.size();
    }

    int ready(int now) {
      return (int) createdAt.stream().filter(at -> now - at >= STARTUP_SECONDS).count();
    }

    /**
     * Newest replicas go first on scale-in, as the ReplicaSet controller prefers unready and young
     * pods.
     */
    void scaleTo(int replicas, int now) {
      while (createdAt.size() < replicas) {
        createdAt.addLast(now);
      }
      while (createdAt.size() > replicas) {
        createdAt.removeLast();
      }
    }
  }

  /** The HPA controller's algorithm for one Pods metric with the spec's behaviour. */
  static final class Hpa {
    private final ArrayDeque<int[]> recommendations = new ArrayDeque<>(); // {time, replicas}
    private final ArrayDeque<int[]> scaleUps = new ArrayDeque<>(); // {time, pods added}

    int desired(int current, double rate, int min, int now) {
      if (current < min) {
        return min;
      }
      double ratio = rate / (current * REPLICA_RATE * TARGET_UTILISATION);
      int wanted = Math.abs(ratio - 1) <= 0.1 ? current : (int) Math.ceil(ratio * current);
      wanted = Math.max(min, Math.min(MAX_REPLICAS, wanted));
      recommendations.addLast(new int[] {now, wanted});
      while (recommendations.peekFirst()[0] < now - SCALE_DOWN_STABILISATION_SECONDS) {
        recommendations.removeFirst();
      }
      while (!scaleUps.isEmpty() && scaleUps.peekFirst()[0] <= now - 60) {
        scaleUps.removeFirst();
      }
      if (wanted > current) {
        int added = scaleUps.stream().mapToInt(e -> e[1]).sum();
        int next = Math.min(wanted, current + Math.max(0, SCALE_UP_PODS_PER_MINUTE - added));
        if (next > current) {
          scaleUps.addLast(new int[] {now, next - current});
        }
        return next;
      }
      // Scale in only to the highest recommendation of the stabilisation window.
      int highest = recommendations.stream().mapToInt(r -> r[1]).max().orElse(wanted);
      return Math.max(min, Math.min(current, highest));
    }
  }

  static final class Outcome {
    final String policy;
    int violationMinutes;
    double replicaHours;

    Outcome(String policy) {
      this.policy = policy;
    }

    Map<String, Object> summary() {
      var summary = new LinkedHashMap<String, Object>();
      summary.put("slo_violation_minutes", violationMinutes);
      summary.put("replica_hours", round(replicaHours));
      return summary;
    }
  }

  private static Map<String, Object> scenario() {
    var scenario = new LinkedHashMap<String, Object>();
    scenario.put("days_simulated", DAYS);
    scenario.put("measured_day", DAYS);
    scenario.put("peak_requests_per_second", PEAK_RATE);
    scenario.put("replica_requests_per_second", REPLICA_RATE);
    scenario.put("target_utilisation", TARGET_UTILISATION);
    scenario.put("startup_seconds", STARTUP_SECONDS);
    scenario.put("min_replicas", MIN_REPLICAS);
    scenario.put("max_replicas", MAX_REPLICAS);
    scenario.put("scale_up_pods_per_minute", SCALE_UP_PODS_PER_MINUTE);
    scenario.put("scale_down_stabilisation_seconds", SCALE_DOWN_STABILISATION_SECONDS);
    scenario.put("metric_delay_seconds", METRIC_DELAY_SECONDS);
    scenario.put("daily_spikes", List.of("10:40 x1.8 for 12 min", "15:10 x2.2 for 8 min"));
    scenario.put("seed", SEED);
    return scenario;
  }

  private static String markdown(
      Outcome reactive,
      Outcome predictive,
      Outcome unforeseenReactive,
      Outcome unforeseenPredictive) {
    var md = new StringBuilder("# Autoscaling: HPA alone vs HPA with predictive minimum\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%d simulated days, the last one measured; replicas ready %d s after creation, %.0f req/s each; peak %.0f req/s;"
                + " two sudden spikes a day at the same times (scheduled jobs), one burst at a random time on each earlier day.%n%n",
            DAYS,
            STARTUP_SECONDS,
            REPLICA_RATE,
            PEAK_RATE));
    md.append("| policy | SLO-violation minutes | replica-hours |\n|---|---|---|\n");
    for (var outcome : List.of(reactive, predictive)) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f |%n",
              outcome.policy,
              outcome.violationMinutes,
              outcome.replicaHours));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nPredictive vs reactive: violation minutes x%.2f, replica-hours x%.3f (target: at most x0.50 and x1.10).%n",
            ratio(predictive.violationMinutes, reactive.violationMinutes),
            ratio(predictive.replicaHours, reactive.replicaHours)));
    md.append(
        String.format(
            Locale.ROOT,
            "%nThe same day with its two spikes never seen before (no forecast can know them): reactive %d minutes, %.1f replica-hours;"
                + " predictive %d minutes, %.1f replica-hours.%n",
            unforeseenReactive.violationMinutes,
            unforeseenReactive.replicaHours,
            unforeseenPredictive.violationMinutes,
            unforeseenPredictive.replicaHours));
    return md.toString();
  }

  private static double ratio(double value, double baseline) {
    return baseline == 0 ? 0 : round(value / baseline);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
