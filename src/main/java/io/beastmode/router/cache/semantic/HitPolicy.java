package io.beastmode.router.cache.semantic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides whether a request may be answered from a semantically similar cached entry, keeping the
 * share of requests answered wrongly at most {@code delta}. Thread-safe.
 *
 * <p><b>What it learns.</b> One calibration per policy (per router, or per key that narrows δ): the
 * wrong rate of the nearest unguarded candidate as a function of its similarity, in bins of {@value
 * #BIN_WIDTH} from {@value #FLOOR}, learned from labels. Per cached entry it only keeps a veto: an
 * entry found wrong at some similarity is not served again at or below it. Per-entry thresholds
 * (vCache) need many requests per entry before they can serve; a cache of prompts asked a few times
 * each rarely gets them, while one calibration pools every label. Everything learned is a function
 * of the labels ({@link #learn}) and {@link #forget} calls, so replaying them rebuilds it.
 *
 * <p><b>The rule.</b> The wrong rate falls as similarity rises, so a bin's rate is at most the
 * pooled rate of it and the bins just below, and at most any lower bin's: its bound is the smallest
 * {@link WrongRateBound} 95 % upper bound over those poolings and the bounds below it. The policy
 * serves the highest bins first while the sum over them of (share of requests in the bin × the
 * bin's bound) stays at most δ: the expected wrong answers per request, counted with upper bounds.
 * The traffic shares are counted from the requests it decides; until it has seen {@value
 * #TRAFFIC_MIN} (after a restart too) it serves only bins whose bound alone is at most δ, which
 * keeps δ for any traffic. A request it does not serve is explored (the model is asked and its
 * answer compared) while its bin still lacks {@value #LABELS_ENOUGH} labels, and with probability
 * {@value #EXPLORE_KNOWN} after; served bins are audited with probability {@value #AUDIT} so a
 * drift shows.
 *
 * <p>Before any of this, {@link PromptGuards} refuse candidates that differ by a negation, a
 * number, an entity or an antonym; the next nearest candidate is then considered.
 */
public final class HitPolicy {
  /**
   * Below this similarity nothing is served or explored: on the shared evaluation data a fixed
   * threshold of 0.90 is already wrong on 31 % of its hits, so lower bins could never serve.
   */
  public static final double FLOOR = 0.80;

  public static final double BIN_WIDTH = 0.005;

  /** How many bins below a bin may pool into its bound (0.05 of similarity). */
  static final int POOL_BINS = 10;

  static final int LABELS_ENOUGH = 400;
  static final double EXPLORE_KNOWN = 0.1;
  static final double AUDIT = 0.01;
  static final long TRAFFIC_MIN = 1000;

  /** A bin whose bound is above this is never served, however small its share of requests. */
  static final double MAX_WRONG_PER_HIT = 0.25;

  private static final int BINS = (int) Math.round((1 - FLOOR) / BIN_WIDTH);

  private final double delta;
  private final double audit;
  private final SplittableRandom random;

  private final long[] labelled = new long[BINS];
  private final long[] wrong = new long[BINS];
  private final long[] traffic = new long[BINS];
  private long requests;
  private final Map<Long, Float> wrongAt = new HashMap<>();
  // each bin's bound from its own poolings, NaN until computed; a label recomputes only the bins
  // it pools into
  private final double[] pooled = new double[BINS];
  private final double[] bounds = new double[BINS];

  public HitPolicy(double delta, long seed) {
    this(delta, seed, AUDIT);
  }

  /** With another audit rate: 0 makes the verdicts deterministic for tests. */
  HitPolicy(double delta, long seed, double audit) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1): " + delta);
    }
    this.delta = delta;
    this.audit = audit;
    this.random = new SplittableRandom(seed);
    java.util.Arrays.fill(pooled, Double.NaN);
  }

  public double delta() {
    return delta;
  }

  /**
   * The verdict on a request whose last user turn is {@code askedPrompt}, given the partition's
   * nearest entries, most similar first.
   */
  public synchronized Decision decide(String askedPrompt, List<Candidate> nearestFirst) {
    requests++;
    String refused = null;
    Candidate chosen = null;
    for (Candidate candidate : nearestFirst) {
      if (candidate.similarity() < FLOOR) {
        break;
      }
      String conflict = PromptGuards.conflict(candidate.cachedPrompt(), askedPrompt);
      if (conflict == null) {
        chosen = candidate;
        break;
      }
      if (refused == null) {
        refused = conflict;
      }
    }
    if (chosen == null) {
      return new Decision(Verdict.miss, null, refused != null ? refused : "far");
    }
    int bin = bin(chosen.similarity());
    traffic[bin]++;
    Float vetoed = wrongAt.get(chosen.entryId());
    if (vetoed != null && chosen.similarity() <= vetoed) {
      return new Decision(Verdict.explore, chosen, "entry-wrong");
    }
    if (bin >= lowestServedBin()) {
      if (audit > 0 && random.nextDouble() < audit) {
        return new Decision(Verdict.explore, chosen, "audit");
      }
      return new Decision(Verdict.serve, chosen, "bounded");
    }
    if (labelled[bin] < LABELS_ENOUGH || random.nextDouble() < EXPLORE_KNOWN) {
      return new Decision(Verdict.explore, chosen, "unsure");
    }
    return new Decision(Verdict.miss, chosen, "unsafe");
  }

  /**
   * A label: the entry, at this similarity to a request, would have given ({@code correct}) or did
   * give the right answer or not. {@code similarity} is the one of the decision's candidate.
   */
  public synchronized void learn(long entryId, float similarity, boolean correct) {
    if (similarity < FLOOR) {
      return;
    }
    int bin = bin(similarity);
    labelled[bin]++;
    if (!correct) {
      wrong[bin]++;
      wrongAt.merge(entryId, similarity, Math::max);
    }
    java.util.Arrays.fill(pooled, bin, Math.min(BINS, bin + POOL_BINS + 1), Double.NaN);
  }

  /** The entry left the cache: its veto goes (the calibration keeps what it taught). */
  public synchronized void forget(long entryId) {
    wrongAt.remove(entryId);
  }

  /** The similarity from which this policy serves now (above 1 when it serves nothing). */
  public synchronized double servingFrom() {
    int bin = lowestServedBin();
    return bin >= BINS ? 1.0 + BIN_WIDTH : FLOOR + bin * BIN_WIDTH;
  }

  private int lowestServedBin() {
    double[] bound = bounds();
    int lowest = BINS;
    if (requests < TRAFFIC_MIN) {
      while (lowest > 0 && bound[lowest - 1] <= delta) {
        lowest--;
      }
      return lowest;
    }
    double expectedWrong = 0;
    while (lowest > 0 && bound[lowest - 1] <= MAX_WRONG_PER_HIT) {
      double next = expectedWrong + (double) traffic[lowest - 1] / requests * bound[lowest - 1];
      if (next > delta) {
        break;
      }
      expectedWrong = next;
      lowest--;
    }
    return lowest;
  }

  private double[] bounds() {
    for (int b = 0; b < BINS; b++) {
      if (Double.isNaN(pooled[b])) {
        double best = 1;
        long n = 0;
        long w = 0;
        for (int j = b; j >= Math.max(0, b - POOL_BINS); j--) {
          n += labelled[j];
          w += wrong[j];
          if (n > 0) {
            best = Math.min(best, WrongRateBound.upper95(w, n));
          }
        }
        pooled[b] = best;
      }
      // the rate falls as similarity rises: a bin's rate is also below any lower bin's bound
      bounds[b] = b > 0 ? Math.min(pooled[b], bounds[b - 1]) : pooled[b];
    }
    return bounds;
  }

  private static int bin(float similarity) {
    int bin = (int) ((similarity - FLOOR) / BIN_WIDTH);
    return Math.max(0, Math.min(BINS - 1, bin));
  }
}
