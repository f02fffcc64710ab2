package io.beastmode.bench.semantic;

import io.beastmode.router.cache.semantic.Candidate;
import io.beastmode.router.cache.semantic.Decision;
import io.beastmode.router.cache.semantic.HitPolicy;
import io.beastmode.router.cache.semantic.Neighbour;
import io.beastmode.router.cache.semantic.PromptGuards;
import io.beastmode.router.cache.semantic.SimilarityIndex;
import io.beastmode.router.cache.semantic.Verdict;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The evaluation's request stream over one dataset: every {@code text_a} asked first (each a miss
 * that fills the cache), then every {@code text_b} (a miss is stored too), then the edited prompts
 * (asked, never stored). A request whose exact text is cached is an exact hit, counted apart.
 *
 * <p>The nearest neighbours are found once per stream with the router's {@link SimilarityIndex},
 * over every text that might be cached at that point (all earlier asks); a run then walks each
 * request's list and skips the entries its own cache does not hold (a hit is not stored). {@value
 * #SUPERSET} neighbours are kept; when none of them is held, the run sees no candidate ({@link
 * Tally#shortLists} counts how often). The lists are saved beside the cached embeddings ({@code
 * saved}, when given), keyed by the data, the seed and this code's version, so a re-run skips them.
 */
final class CacheStream {
  static final int SUPERSET = 12;

  /** How many neighbours the policy is shown, as the router would ask the index for. */
  static final int SHOWN = 4;

  /** Changes when what the lists hold changes, so saved ones are not reused. */
  static final int VERSION = 1;

  final PairData data;
  final int[] firstAsks;
  final int[] secondAsks;
  final String[] secondKinds;
  final int[] editedAsks;
  final String[] editedKinds;
  final int[] editedOriginals;
  // per second ask / edited ask: neighbour text ids and similarities, nearest first (null = exact)
  final int[][] secondIds;
  final float[][] secondSims;
  final int[][] editedIds;
  final float[][] editedSims;
  double lookupMillisP99;
  int largestIndex;

  /** What decides a request: the policy under test or a fixed threshold. */
  interface Rule {
    Decision decide(String asked, List<Candidate> nearestFirst);

    void learn(long entryId, float similarity, boolean correct);
  }

  CacheStream(
      PairData data,
      List<PairData.Pair> order,
      IntFunction<float[]> vectors,
      List<EditedPrompts.Edit> edits,
      Path saved)
      throws IOException {
    this.data = data;
    int n = order.size();
    firstAsks = new int[n];
    secondAsks = new int[n];
    secondKinds = new String[n];
    for (int i = 0; i < n; i++) {
      firstAsks[i] = order.get(i).a();
      secondAsks[i] = order.get(i).b();
      secondKinds[i] = order.get(i).kind();
    }
    editedAsks = new int[edits.size()];
    editedKinds = new String[edits.size()];
    editedOriginals = new int[edits.size()];
    for (int i = 0; i < edits.size(); i++) {
      editedAsks[i] = edits.get(i).text();
      editedKinds[i] = "edited-" + edits.get(i).kind();
      editedOriginals[i] = edits.get(i).original();
    }
    secondIds = new int[n][];
    secondSims = new float[n][];
    editedIds = new int[editedAsks.length][];
    editedSims = new float[editedAsks.length][];
    if (saved != null && Files.exists(saved)) {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(saved), 1 << 16))) {
        lookupMillisP99 = in.readDouble();
        largestIndex = in.readInt();
        readLists(in, secondIds, secondSims);
        readLists(in, editedIds, editedSims);
      }
      return;
    }
    SimilarityIndex index = new SimilarityIndex(data.texts().size() + 1, vectors.apply(0).length);
    BitSet cached = new BitSet();
    for (int a : firstAsks) {
      if (!cached.get(a)) {
        cached.set(a);
        index.add(a, vectors.apply(a));
      }
    }
    long[] nanos = new long[n];
    int timed = 0;
    for (int i = 0; i < n; i++) {
      int b = secondAsks[i];
      if (cached.get(b)) {
        continue;
      }
      long started = System.nanoTime();
      List<Neighbour> near = index.nearest(vectors.apply(b), SUPERSET);
      nanos[timed++] = System.nanoTime() - started;
      secondIds[i] = ids(near);
      secondSims[i] = sims(near);
      cached.set(b);
      index.add(b, vectors.apply(b));
    }
    largestIndex = index.size();
    long[] sorted = Arrays.copyOf(nanos, timed);
    Arrays.sort(sorted);
    lookupMillisP99 = timed == 0 ? 0 : sorted[(int) Math.floor(0.99 * (timed - 1))] / 1e6;
    for (int i = 0; i < editedAsks.length; i++) {
      List<Neighbour> near = index.nearest(vectors.apply(editedAsks[i]), SUPERSET);
      editedIds[i] = ids(near);
      editedSims[i] = sims(near);
    }
    if (saved != null) {
      Files.createDirectories(saved.toAbsolutePath().getParent());
      Path partial = saved.resolveSibling(saved.getFileName() + ".partial");
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))) {
        out.writeDouble(lookupMillisP99);
        out.writeInt(largestIndex);
        writeLists(out, secondIds, secondSims);
        writeLists(out, editedIds, editedSims);
      }
      Files.move(partial, saved, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void readLists(DataInputStream in, int[][] ids, float[][] sims)
      throws IOException {
    for (int i = 0; i < ids.length; i++) {
      int length = in.readInt();
      if (length < 0) {
        continue;
      }
      ids[i] = new int[length];
      sims[i] = new float[length];
      for (int j = 0; j < length; j++) {
        ids[i][j] = in.readInt();
        sims[i][j] = in.readFloat();
      }
    }
  }

  private static void writeLists(DataOutputStream out, int[][] ids, float[][] sims)
      throws IOException {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == null) {
        out.writeInt(-1);
        continue;
      }
      out.writeInt(ids[i].length);
      for (int j = 0; j < ids[i].length; j++) {
        out.writeInt(ids[i][j]);
        out.writeFloat(sims[i][j]);
      }
    }
  }

  /** One tenant's run of the stream in its own partition, deciding with {@code rule}. */
  Tally run(Rule rule, Partition partition) {
    Tally tally = new Tally();
    for (int a : firstAsks) {
      if (partition.holds(a)) {
        tally.exactHits++;
      } else {
        partition.store(a);
      }
    }
    for (int i = 0; i < secondAsks.length; i++) {
      ask(rule, partition, tally, secondAsks[i], secondKinds[i], secondIds[i], secondSims[i], true);
    }
    for (int i = 0; i < editedAsks.length; i++) {
      ask(
          rule,
          partition,
          tally,
          editedAsks[i],
          editedKinds[i],
          editedIds[i],
          editedSims[i],
          false);
    }
    return tally;
  }

  private void ask(
      Rule rule,
      Partition partition,
      Tally tally,
      int asked,
      String kind,
      int[] ids,
      float[] sims,
      boolean storeMiss) {
    boolean edited = !storeMiss;
    if (partition.holds(asked)) {
      tally.exactHits++;
      return;
    }
    List<Candidate> candidates = new ArrayList<>(SHOWN);
    if (ids != null) {
      for (int j = 0; j < ids.length && candidates.size() < SHOWN; j++) {
        if (partition.holds(ids[j])) {
          candidates.add(
              new Candidate(partition.entryId(ids[j]), data.texts().get(ids[j]), sims[j]));
        }
      }
      if (candidates.isEmpty() && ids.length == SUPERSET) {
        tally.shortLists++;
      }
    }
    String askedText = data.texts().get(asked);
    Decision decision = rule.decide(askedText, candidates);
    Candidate chosen = decision.candidate();
    boolean correct = chosen != null && data.sameAnswer(partition.textOf(chosen.entryId()), asked);
    tally.request(kind, edited, decision.verdict(), correct, decision.reason());
    if (decision.verdict() == Verdict.serve) {
      if (!partition.owns(chosen.entryId())) {
        tally.crossTenantHits++;
      }
      return;
    }
    if (decision.verdict() == Verdict.explore) {
      rule.learn(chosen.entryId(), chosen.similarity(), correct);
    }
    if (storeMiss) {
      partition.store(asked);
    }
  }

  static int[] ids(List<Neighbour> near) {
    int[] ids = new int[near.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (int) near.get(i).entryId();
    }
    return ids;
  }

  static float[] sims(List<Neighbour> near) {
    float[] sims = new float[near.size()];
    for (int i = 0; i < sims.length; i++) {
      sims[i] = near.get(i).similarity();
    }
    return sims;
  }

  /**
   * One tenant's cache: which texts it holds. Entry ids carry the tenant in their high bits, as the
   * router's entries carry their partition, so a hit on another tenant's entry would show.
   */
  static final class Partition {
    private final long tenant;
    private final BitSet held = new BitSet();

    Partition(int tenant) {
      this.tenant = tenant;
    }

    boolean holds(int text) {
      return held.get(text);
    }

    void store(int text) {
      held.set(text);
    }

    long entryId(int text) {
      return (tenant << 32) | text;
    }

    boolean owns(long entryId) {
      return entryId >>> 32 == tenant && held.get((int) entryId);
    }

    int textOf(long entryId) {
      return (int) (entryId & 0xffffffffL);
    }
  }

  /** The policy under test. */
  static Rule policy(HitPolicy policy) {
    return new Rule() {
      @Override
      public Decision decide(String asked, List<Candidate> nearestFirst) {
        return policy.decide(asked, nearestFirst);
      }

      @Override
      public void learn(long entryId, float similarity, boolean correct) {
        policy.learn(entryId, similarity, correct);
      }
    };
  }

  /** Serve the nearest entry at or above {@code threshold}, optionally behind the guards. */
  static Rule fixed(double threshold, boolean guarded) {
    Map<Long, Boolean> refused = new HashMap<>();
    return new Rule() {
      @Override
      public Decision decide(String asked, List<Candidate> nearestFirst) {
        for (Candidate candidate : nearestFirst) {
          if (candidate.similarity() < threshold) {
            break;
          }
          long pair = ((long) candidate.cachedPrompt().hashCode() << 32) ^ asked.hashCode();
          if (!guarded
              || !refused.computeIfAbsent(
                  pair, p -> PromptGuards.conflict(candidate.cachedPrompt(), asked) != null)) {
            return new Decision(Verdict.serve, candidate, "fixed");
          }
        }
        return new Decision(Verdict.miss, null, "fixed");
      }

      @Override
      public void learn(long entryId, float similarity, boolean correct) {}
    };
  }

  /** Counts of one run, overall (the dataset's requests) and per kind. */
  static final class Tally {
    final Counts all = new Counts();
    final Counts edited = new Counts();
    final Map<String, Counts> kinds = new java.util.TreeMap<>();
    final Map<String, Long> reasons = new java.util.TreeMap<>();
    long exactHits;
    long crossTenantHits;
    long shortLists;

    void request(String kind, boolean editedPrompt, Verdict verdict, boolean correct, String why) {
      (editedPrompt ? edited : all).add(verdict, correct);
      kinds.computeIfAbsent(kind, k -> new Counts()).add(verdict, correct);
      if (!editedPrompt) {
        reasons.merge(verdict + ":" + why, 1L, Long::sum);
      }
    }
  }

  /** Requests, hits, wrong hits and explorations. */
  static final class Counts {
    long requests;
    long hits;
    long wrong;
    long explorations;

    void add(Verdict verdict, boolean correct) {
      requests++;
      if (verdict == Verdict.serve) {
        hits++;
        if (!correct) {
          wrong++;
        }
      } else if (verdict == Verdict.explore) {
        explorations++;
      }
    }

    double hitRate() {
      return requests == 0 ? 0 : (double) hits / requests;
    }

    double wrongPerRequest() {
      return requests == 0 ? 0 : (double) wrong / requests;
    }

    double wrongPerHit() {
      return hits == 0 ? 0 : (double) wrong / hits;
    }
  }
}
