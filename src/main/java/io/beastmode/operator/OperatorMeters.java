package io.beastmode.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Every meter the operator role registers, declared once: its Micrometer name, type, description,
 * base unit and tag keys. The recorders create their meters only through these declarations; the
 * dashboards and docs/observability.md are checked against them.
 */
public final class OperatorMeters {
  /** One meter: what the recorders register, and what a Prometheus scrape shows of it. */
  public record Declared(
      String name, Meter.Type type, String description, String baseUnit, List<String> tagKeys) {

    public Declared {
      tagKeys = List.copyOf(tagKeys);
    }

    /**
     * The name as docs/observability.md lists and dashboards query it: a counter with {@code
     * _total}, a timer in {@code _seconds}.
     */
    public String prometheusName() {
      String base = name.replace('.', '_');
      return switch (type) {
        case COUNTER -> base + "_total";
        case TIMER -> base + "_seconds";
        default -> base;
      };
    }

    /** Every series name a scrape holds for it (a timer's count, sum and max). */
    public List<String> prometheusSeries() {
      String family = prometheusName();
      return type == Meter.Type.TIMER
          ? List.of(family + "_count", family + "_sum", family + "_max")
          : List.of(family);
    }

    public Counter counter(MeterRegistry registry, String... tagValues) {
      expect(Meter.Type.COUNTER);
      return Counter.builder(name)
          .description(description)
          .baseUnit(baseUnit)
          .tags(tags(tagValues))
          .register(registry);
    }

    public Timer timer(MeterRegistry registry, String... tagValues) {
      expect(Meter.Type.TIMER);
      return Timer.builder(name).description(description).tags(tags(tagValues)).register(registry);
    }

    /**
     * A gauge reading {@code state}, held weakly as Micrometer does: the caller keeps it.
     *
     * @return {@code state}
     */
    public <T> T gauge(
        MeterRegistry registry, T state, ToDoubleFunction<T> value, String... tagValues) {
      expect(Meter.Type.GAUGE);
      Gauge.builder(name, state, value)
          .description(description)
          .baseUnit(baseUnit)
          .tags(tags(tagValues))
          .register(registry);
      return state;
    }

    /** Whether {@code id} is this meter: same name, type and tag keys. */
    public boolean matches(Meter.Id id) {
      return id.getName().equals(name)
          && id.getType() == type
          && id.getTags().stream().map(Tag::getKey).sorted().toList().equals(sortedKeys());
    }

    private List<String> sortedKeys() {
      return tagKeys.stream().sorted().toList();
    }

    private Tags tags(String... values) {
      if (values.length != tagKeys.size()) {
        throw new IllegalArgumentException(
            name + " takes tags " + tagKeys + ", got " + values.length + " values");
      }
      var tags = new ArrayList<Tag>();
      for (int i = 0; i < values.length; i++) {
        tags.add(Tag.of(tagKeys.get(i), values[i]));
      }
      return Tags.of(tags);
    }

    private void expect(Meter.Type wanted) {
      if (type != wanted) {
        throw new IllegalStateException(name + " is a " + type + ", not a " + wanted);
      }
    }
  }

  public static final Declared REGION_SERVING =
      gauge(
          "beastmode.region.serving", "Whether the Region takes traffic (1) or not (0)", "region");
  public static final Declared REGION_PHASE =
      gauge(
          "beastmode.region.phase",
          "The Region's phase as the hub sees it: 1 for the current one",
          "region",
          "phase");
  public static final Declared TRAFFIC_WEIGHT =
      gauge("beastmode.traffic.weight", null, "router", "region");
  public static final Declared FAILOVERS = counter("beastmode.failovers", null, "router", "reason");
  public static final Declared FAILOVER_TRANSITIONS =
      counter("beastmode.failover.transitions", null, "router", "region", "reason");
  public static final Declared FAILOVER_APPLY = timer("beastmode.failover.apply", null, "router");
  public static final Declared FAILOVER_CONVERGE =
      timer("beastmode.failover.converge", null, "router");
  public static final Declared ROUTER_REPLICAS =
      gauge(
          "beastmode.router.replicas",
          "Router replicas per region, as the autoscaler runs (current) and wants (desired) them",
          "router",
          "region",
          "kind");
  public static final Declared AUTOSCALING_EVENTS =
      counter(
          "beastmode.autoscaling.events",
          "Replica changes made by the routers' autoscalers",
          "router",
          "region",
          "direction");
  public static final Declared SLO_BURN_RATE =
      gauge(
          "beastmode.slo.burn.rate",
          "Error-budget burn rate of a rule's window",
          "slo",
          "rule",
          "window");
  public static final Declared SLO_ERROR_BUDGET_REMAINING =
      gauge(
          "beastmode.slo.error.budget.remaining",
          "Error budget left over the SLO window, in percent",
          "slo");
  public static final Declared SLO_ACTIONS =
      counter("beastmode.slo.actions", "Actions taken for objectives", "slo", "action");

  public static final Declared BACKUP_DURATION =
      timer("beastmode.backup.duration", "Time to read, seal and write one snapshot", "policy");
  public static final Declared BACKUP_SIZE =
      gauge("beastmode.backup.size.bytes", "Sealed size of the policy's last snapshot", "policy");
  public static final Declared BACKUP_LAST_SUCCESS =
      gauge(
          "beastmode.backup.last.success.time.seconds",
          "When the policy's last snapshot was written, in seconds since the epoch",
          "policy");
  public static final Declared BACKUP_FAILURES =
      counter("beastmode.backup.failures", "Snapshots that could not be taken", "policy", "reason");

  public static final Declared BACKUP_DRILLS =
      counter("beastmode.backup.drills", "Restore drills run, by result", "policy", "result");

  public static final Declared HUB_EPOCH =
      gauge("beastmode.hub.epoch", "This hub's epoch; a promotion takes a higher one");
  public static final Declared HUB_FENCED =
      gauge(
          "beastmode.hub.fenced",
          "1 when a hub with a newer epoch holds a region's Lease: this hub writes nowhere");
  public static final Declared HUB_LEASE_HELD =
      gauge(
          "beastmode.hub.lease.held",
          "1 while this hub holds the region's hub Lease and may write there",
          "region");
  public static final Declared HUB_STANDBY_LAG =
      gauge(
          "beastmode.hub.standby.lag.seconds",
          "How far behind the backed-up hub state a standby's applied state is: age of the newest"
              + " restore point it applied");
  public static final Declared HUB_PROMOTIONS =
      counter("beastmode.hub.promotions", "Promotions of this standby hub", "trigger");
  public static final Declared HUB_PROMOTION =
      timer(
          "beastmode.hub.promotion",
          "From detection of the active hub's loss to this hub reconciling every router");

  /** Every operator meter. */
  public static final List<Declared> ALL =
      List.of(
          REGION_SERVING,
          REGION_PHASE,
          TRAFFIC_WEIGHT,
          FAILOVERS,
          FAILOVER_TRANSITIONS,
          FAILOVER_APPLY,
          FAILOVER_CONVERGE,
          ROUTER_REPLICAS,
          AUTOSCALING_EVENTS,
          SLO_BURN_RATE,
          SLO_ERROR_BUDGET_REMAINING,
          SLO_ACTIONS,
          BACKUP_DURATION,
          BACKUP_SIZE,
          BACKUP_LAST_SUCCESS,
          BACKUP_FAILURES,
          BACKUP_DRILLS,
          HUB_EPOCH,
          HUB_FENCED,
          HUB_LEASE_HELD,
          HUB_STANDBY_LAG,
          HUB_PROMOTIONS,
          HUB_PROMOTION);

  private OperatorMeters() {}

  /** The declaration {@code id} was registered from, if any. */
  public static Optional<Declared> declaring(Meter.Id id) {
    return ALL.stream().filter(d -> d.matches(id)).findFirst();
  }

  private static Declared gauge(String name, String description, String... tagKeys) {
    return new Declared(name, Meter.Type.GAUGE, description, null, List.of(tagKeys));
  }

  private static Declared counter(String name, String description, String... tagKeys) {
    return new Declared(name, Meter.Type.COUNTER, description, null, List.of(tagKeys));
  }

  private static Declared timer(String name, String description, String... tagKeys) {
    return new Declared(name, Meter.Type.TIMER, description, "seconds", List.of(tagKeys));
  }
}
