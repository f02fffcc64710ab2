package io.beastmode.demo;

import static io.beastmode.demo.LocalPlatform.FAILING;
import static io.beastmode.demo.LocalPlatform.elapsedSeconds;
import static io.beastmode.demo.LocalPlatform.step;

import io.beastmode.api.v1alpha1.FailoverRecord;
import io.beastmode.operator.slo.BurnRates;
import io.beastmode.wire.UsageSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The story the demo tells, one step per second: routers come up, traffic flows, a region goes
 * down, the operator moves its traffic away, the region comes back and its traffic returns in
 * steps. Changes of health and weight are written as a timeline; a terminal gets a live table.
 */
final class Scenario {
  private static final long WARM_UP_SECONDS = 20;
  private static final long OUTAGE_SECONDS = 20;
  private static final long AFTER_SECONDS = 10;

  private enum Stage {
    STARTING,
    WARMING_UP,
    OUTAGE,
    RECOVERING,
    SETTLING,
    HUB_LOSS,
    HUB_SETTLING,
    DONE
  }

  private final LiveView view;
  private final TrafficDriver clients;
  private final Map<String, LocalRegion> regions;
  private final long deadline;
  private final boolean terminal = System.console() != null;
  private final List<String> timeline = new ArrayList<>();
  private final Map<String, String> lastSeen = new HashMap<>();
  private Stage stage = Stage.STARTING;
  private long stageSince = elapsedSeconds();
  private int normalWeight;
  private long failedBeforeOutage;
  private long outageAt;
  private long shiftedAt = -1;
  private long recoveredAt;
  private long failedBackAt = -1;
  private long hubLostAt;
  private long promotedAt = -1;
  private long failedBeforeHubLoss;
  private final HubLoss hubLoss;
  private FailoverRecord failover;
  private String result = "";

  Scenario(
      LiveView view,
      TrafficDriver clients,
      Map<String, LocalRegion> regions,
      HubLoss hubLoss,
      long deadline) {
    this.view = view;
    this.hubLoss = hubLoss;
    this.clients = clients;
    this.regions = regions;
    this.deadline = deadline;
  }

  /**
   * Plays the story until it is told or the deadline passes; true when failover and failback both
   * happened.
   */
  boolean play(int requestsPerSecond) throws InterruptedException {
    step("waiting for the operator to deploy routers in every region and for them to become ready");
    while (stage != Stage.DONE && System.currentTimeMillis() < deadline) {
      advance(look(), requestsPerSecond);
      Thread.sleep(1000);
    }
    boolean passed = shiftedAt >= 0 && failedBackAt >= 0 && promotedAt >= 0;
    String summary = summary(passed);
    result = summary.substring(summary.lastIndexOf("RESULT:"));
    System.out.println(summary);
    return passed;
  }

  /** After the story: traffic and the view go on until Ctrl-C. */
  void watch() throws InterruptedException {
    timeline("scenario over; traffic and this view go on until Ctrl-C");
    while (true) {
      look();
      Thread.sleep(1000);
    }
  }

  /** Reads the fleet, notes what changed and shows it. */
  private List<LiveView.Row> look() {
    var rows = view.refresh();
    note(rows);
    view.newEvents().forEach(this::timeline);
    show(rows);
    return rows;
  }

  private void advance(List<LiveView.Row> rows, int requestsPerSecond) {
    long now = elapsedSeconds();
    var failing = rows.stream().filter(r -> r.region().equals(FAILING)).findFirst().orElseThrow();
    switch (stage) {
      case STARTING -> {
        if (allServing(rows)) {
          clients.start(requestsPerSecond);
          moveTo(
              Stage.WARMING_UP,
              "every region serves; "
                  + requestsPerSecond
                  + " requests/s from clients, split by weight");
        }
      }
      case WARMING_UP -> {
        if (!allServing(rows)) {
          stageSince = now;
        } else if (now - stageSince >= WARM_UP_SECONDS) {
          normalWeight = failing.weight();
          failedBeforeOutage = clients.failed.sum();
          outageAt = now;
          regions.get(FAILING).outage();
          moveTo(
              Stage.OUTAGE,
              "taking "
                  + FAILING
                  + " down: its API server is cut off from the hub and its routers stop");
        }
      }
      case OUTAGE -> {
        // The operator's record of this failover, read until the region returns (converged comes
        // last).
        view.router()
            .map(r -> r.getStatus().lastFailover)
            .filter(f -> FAILING.equals(f.region))
            .ifPresent(f -> failover = f);
        if (shiftedAt < 0
            && failing.weight() == 0
            && rows.stream().mapToInt(LiveView.Row::weight).sum() == 100) {
          shiftedAt = now;
          timeline(
              "traffic moved off " + FAILING + " " + (now - outageAt) + " s after it went down");
        }
        if (shiftedAt >= 0 && now - outageAt >= OUTAGE_SECONDS) {
          recoveredAt = now;
          regions.get(FAILING).recover();
          moveTo(
              Stage.RECOVERING,
              "bringing "
                  + FAILING
                  + " back: its routers restart; traffic returns in steps once it is healthy");
        }
      }
      case RECOVERING -> {
        if (failing.weight() == normalWeight && "Active".equals(failing.stage())) {
          failedBackAt = now;
          moveTo(
              Stage.SETTLING,
              FAILING
                  + " is back at "
                  + normalWeight
                  + "% "
                  + (now - recoveredAt)
                  + " s after it recovered");
        }
      }
      case SETTLING -> {
        if (now - stageSince >= AFTER_SECONDS) {
          hubLostAt = now;
          failedBeforeHubLoss = clients.failed.sum();
          hubLoss.lose();
          moveTo(
              Stage.HUB_LOSS,
              "losing the hub's control plane: its operator stops and its API server is cut off"
                  + " (its routers serve on); the standby hub in "
                  + LocalPlatform.STANDBY
                  + " is asked to take over");
        }
      }
      case HUB_LOSS -> {
        var hub = hubLoss.promoted();
        if (hub.isPresent()) {
          promotedAt = now;
          view.useHub(hub.get());
          moveTo(
              Stage.HUB_SETTLING,
              "the standby in "
                  + LocalPlatform.STANDBY
                  + " is the hub and reconciles every router: the fleet had no hub for "
                  + (now - hubLostAt)
                  + " s; requests that failed meanwhile: "
                  + (clients.failed.sum() - failedBeforeHubLoss));
        }
      }
      case HUB_SETTLING -> {
        if (now - stageSince >= AFTER_SECONDS) {
          moveTo(Stage.DONE, "scenario complete");
        }
      }
      case DONE -> {}
    }
  }

  /**
   * Every region healthy, with ready routers and its full share: the steady state an outage starts
   * from.
   */
  private static boolean allServing(List<LiveView.Row> rows) {
    return rows.stream()
        .allMatch(
            r ->
                "Active".equals(r.stage())
                    && r.weight() > 0
                    && "Healthy".equals(r.health())
                    && r.replicas().matches("[1-9]\\d*/\\d+"));
  }

  private void moveTo(Stage next, String message) {
    stage = next;
    stageSince = elapsedSeconds();
    timeline(message);
  }

  /** Records each change of a region's health, stage or weight. */
  private void note(List<LiveView.Row> rows) {
    for (var row : rows) {
      String state = row.health() + ", " + row.stage() + ", weight " + row.weight() + "%";
      String before = lastSeen.put(row.region(), state);
      if (before != null && !before.equals(state)) {
        timeline(row.region() + ": " + state);
      }
    }
  }

  private void timeline(String message) {
    String line = String.format("[%4ds] %s", elapsedSeconds(), message);
    timeline.add(line);
    if (!terminal) {
      System.out.println(line);
    }
  }

  private void show(List<LiveView.Row> rows) {
    String table = LiveView.render(rows) + clientLine();
    if (terminal) {
      var screen = new StringBuilder("\033[H\033[2J");
      screen
          .append(
              String.format(
                  "BEAST MODE demo   %ds   stage: %s%n%s%n", elapsedSeconds(), stage, result))
          .append(table)
          .append('\n');
      timeline.stream()
          .skip(Math.max(0, timeline.size() - 12))
          .forEach(line -> screen.append(line).append('\n'));
      System.out.print(screen);
      System.out.flush();
    } else if (stage != Stage.STARTING && elapsedSeconds() % 10 == 0) {
      System.out.print("\n" + table);
    }
  }

  private String clientLine() {
    return String.format(
        "clients: %d sent, %d answered, %d failed; answers by region %s%n",
        clients.sent.sum(), clients.answered.sum(), clients.failed.sum(), clients.servedBy);
  }

  private String summary(boolean passed) {
    var out = new StringBuilder("\n==================== SUMMARY ====================\n");
    timeline.forEach(line -> out.append(line).append('\n'));
    out.append('\n');
    UsageSample all = UsageSample.EMPTY;
    double saved = 0;
    long semantic = 0;
    out.append(
        String.format(
            "%-9s %9s %7s %9s %8s %10s %10s%n",
            "REGION", "REQUESTS", "P95 MS", "CACHE HIT", "SEMANTIC", "COST USD", "SAVED USD"));
    for (var entry : view.reports().entrySet()) {
      var report = entry.getValue();
      var indicators = report.totalIndicators();
      all = all.plus(report.total());
      saved += report.savedUsd();
      semantic += report.semanticHits();
      out.append(
          String.format(
              "%-9s %9d %7s %9s %8s %10.4f %10.4f%n",
              entry.getKey(),
              report.total().requests(),
              format(indicators.p95LatencyMillis, "%.0f"),
              format(indicators.cacheHitRatePercent, "%.0f%%"),
              format(
                  RouterReports.semanticPercent(report.semanticHits(), report.total()), "%.0f%%"),
              report.total().costUsd(),
              report.savedUsd()));
    }
    var overall = BurnRates.indicators(all);
    out.append(
        String.format(
            "%-9s %9d %7s %9s %8s %10.4f %10.4f%n%n",
            "all",
            all.requests(),
            format(overall.p95LatencyMillis, "%.0f"),
            format(overall.cacheHitRatePercent, "%.0f%%"),
            format(RouterReports.semanticPercent(semantic, all), "%.0f%%"),
            all.costUsd(),
            saved));
    out.append(clientLine());
    if (outageAt > 0) {
      out.append(
          String.format(
              "requests clients saw fail from the outage on: %d%n",
              clients.failed.sum() - failedBeforeOutage));
    }
    if (failover != null) {
      out.append(failover(failover));
    }
    out.append(
        passed
            ? "RESULT: PASS - "
                + FAILING
                + " failed over in "
                + (shiftedAt - outageAt)
                + " s and failed back in "
                + (failedBackAt - recoveredAt)
                + " s; the standby hub took over in "
                + (promotedAt - hubLostAt)
                + " s\n"
            : "RESULT: FAIL - stage "
                + stage
                + " not done in time (failover "
                + (shiftedAt >= 0 ? "seen" : "not seen")
                + ", failback "
                + (failedBackAt >= 0 ? "seen" : "not seen")
                + ", hub takeover "
                + (promotedAt >= 0 ? "seen" : "not seen")
                + "); logs in "
                + LocalPlatform.WORK
                + "\n");
    return out.toString();
  }

  private static String failover(FailoverRecord record) {
    return String.format(
        "operator's failover record: %s (%s) detected %s, decided %s, applied %s, converged %s%n",
        record.region,
        record.reason,
        record.detectedAt,
        record.decidedAt,
        record.appliedAt,
        record.convergedAt == null ? "-" : record.convergedAt);
  }

  private static String format(Double value, String pattern) {
    return value == null ? "-" : String.format(pattern, value);
  }
}
