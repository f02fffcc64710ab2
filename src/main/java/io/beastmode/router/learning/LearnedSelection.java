package io.beastmode.router.learning;

import io.beastmode.router.select.learned.EncoderPool;
import io.beastmode.router.select.learned.LabelledExample;
import io.beastmode.router.select.learned.LabelledPrompts;
import io.beastmode.router.select.learned.PromptEncoder;
import io.beastmode.router.select.learned.SuccessPredictor;
import io.beastmode.router.select.policy.CandidatePolicy;
import io.beastmode.router.select.policy.LoggedOutcome;
import io.beastmode.router.select.policy.OffPolicyEstimator;
import io.beastmode.router.select.policy.PolicyRouting;
import io.beastmode.router.select.policy.PromptFeatures;
import io.beastmode.wire.Digests;
import io.beastmode.wire.LearnedSelectionKeys;
import io.beastmode.wire.SelectionSummary;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The learned policy's state in one router: the prompt encoder on a worker pool (one thread per
 * core, never an event loop), the predictor, and the examples it learns from, which live in the
 * region's Redis (a stream per LLMRouter) so every router of the region learns the same things and
 * a restarted router starts where the others are.
 *
 * <p>A router follows the stream every poll interval. New examples reach the neighbour vote at once
 * (so feedback changes decisions within a poll interval); the per-model heads are fitted again on a
 * thread of their own at most once per refit interval.
 */
public final class LearnedSelection {
  private static final Logger LOG = Logger.getLogger(LearnedSelection.class);
  private static final int READ_BATCH = 2000;
  private static final int WRITE_BATCH = 500;
  private static final long STATUS_MAX_AGE_NANOS = 1_000_000_000L;
  private static final long SUMMARY_MAX_AGE_NANOS = 5_000_000_000L;

  /** The source of an outcome: the model failed the prompt (an upstream error). */
  public static final String FAILURE = "failure";

  /** The source of an outcome: the client closed a streamed answer before its end. */
  public static final String CUT_OFF = "cutoff";

  private static final List<String> POLICY_FIELDS =
      List.of(
          LearnedSelectionKeys.POLICY_ACTIONS,
          LearnedSelectionKeys.POLICY_STRONG,
          LearnedSelectionKeys.PROPENSITY,
          LearnedSelectionKeys.PREDICTED_WEAK,
          LearnedSelectionKeys.PREDICTED_STRONG);

  /**
   * What the predictor said about one prompt.
   *
   * @param chances each model's predicted chance of a good answer, by model name (empty before
   *     anything is learned)
   * @param features the request's shape, which the candidate policies read
   * @param retryKey where the last decision on the same prompt of the same tenant is kept, null
   *     when retries are not watched
   */
  public record Prediction(
      float[] embedding,
      int promptChars,
      Map<String, Double> chances,
      PromptFeatures features,
      String retryKey) {}

  private record Example(float[] embedding, int promptChars, Map<String, Double> outcomes) {}

  /** The policy in force, since when (epoch ms) and how often it changed before. */
  private record InForce(CandidatePolicy policy, long since, long switches) {}

  private final Vertx vertx;
  private final Redis redis;
  private final String stream;
  private final String router;
  private final Duration refitInterval;
  private final Executor encoders;
  private final ExecutorService fitter;
  private final CompletableFuture<PromptEncoder> encoder;
  private final List<Example> examples = new ArrayList<>();
  private final AtomicBoolean rebuildQueued = new AtomicBoolean();
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile SuccessPredictor predictor;
  private volatile int examplesLearned;
  private final ExampleStream examplesStream;
  private final PolicyRouting policies =
      new PolicyRouting(CandidatePolicy.DEFAULTS, 0, new SplittableRandom());
  private volatile PolicyRouting.Status policyStatus;
  private volatile long policyStatusAtNanos;

  /** Null until the first configuration, whose policy in force is no switch. */
  private volatile InForce inForce;

  private volatile SelectionSummary summary;
  private volatile long summaryAtNanos;
  private final AtomicBoolean summaryQueued = new AtomicBoolean();
  private final Consumer<String> outcomeWritten;
  private volatile long headsFittedAtNanos;
  private volatile int headsFittedOn;
  private long timer = -1;

  /** {@code pool}: the router's encoder, shared with its semantic cache; stopped by its owner. */
  public LearnedSelection(
      Vertx vertx, Redis redis, String router, Duration refitInterval, EncoderPool pool) {
    this(vertx, redis, router, refitInterval, pool, source -> {});
  }

  /**
   * {@code outcomeWritten}: told the source of each outcome this router adds to the examples
   * ({@code feedback}, {@code failure}, {@code retry}, {@code cutoff}), for its metrics.
   */
  public LearnedSelection(
      Vertx vertx,
      Redis redis,
      String router,
      Duration refitInterval,
      EncoderPool pool,
      Consumer<String> outcomeWritten) {
    this.outcomeWritten = outcomeWritten;
    this.vertx = vertx;
    this.redis = redis;
    this.router = router;
    this.stream = LearnedSelectionKeys.examples(router);
    this.examplesStream = new ExampleStream(redis, stream, READ_BATCH);
    this.refitInterval = refitInterval;
    this.encoders = pool.threads();
    this.encoder = pool.encoder();
    this.fitter = Executors.newSingleThreadExecutor(named("beastmode-selection-fitter"));
  }

  /** Follows the examples stream from its start, then every {@code pollMillis}. */
  public void start(long pollMillis) {
    read();
    timer = vertx.setPeriodic(pollMillis, id -> read());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    fitter.shutdownNow();
  }

  public String router() {
    return router;
  }

  /** The candidate policies and the exploration share of the routing config. */
  public void configure(List<CandidatePolicy> candidates, double explorationShare) {
    policies.configure(candidates, explorationShare);
    noteInForce();
  }

  /** Stamps a change of the policy in force, by the outcomes or by a new configuration. */
  private synchronized void noteInForce() {
    CandidatePolicy now = policies.inForce();
    InForce last = inForce;
    if (last == null) {
      inForce = new InForce(now, System.currentTimeMillis(), 0);
    } else if (now != last.policy()) {
      inForce = new InForce(now, System.currentTimeMillis(), last.switches() + 1);
    }
  }

  /**
   * What the heartbeat says of the policy in force; null before the first is made. Made again at
   * most every {@link #SUMMARY_MAX_AGE_NANOS} (the operator reads it every 15 s) on the fitter's
   * thread, never on the caller's: the heartbeat runs on an event loop, and the bootstrap takes
   * tens of milliseconds with a full window of outcomes.
   */
  public SelectionSummary summary() {
    SelectionSummary last = summary;
    boolean stale = last == null || System.nanoTime() - summaryAtNanos > SUMMARY_MAX_AGE_NANOS;
    if (stale && summaryQueued.compareAndSet(false, true)) {
      try {
        fitter.execute(
            () -> {
              try {
                summary = summaryNow();
                summaryAtNanos = System.nanoTime();
              } finally {
                summaryQueued.set(false);
              }
            });
      } catch (RejectedExecutionException stopped) {
        summaryQueued.set(false);
      }
    }
    return last;
  }

  private SelectionSummary summaryNow() {
    PolicyRouting.Status status = policyStatus();
    // Never null once configured, which the router does as it creates this.
    InForce current = inForce;
    if (current == null) {
      current = new InForce(status.inForce(), System.currentTimeMillis(), 0);
    }
    // The status may be a second older than a switch; every candidate is estimated in it.
    PolicyRouting.Estimate estimate = status.estimates().get(current.policy());
    return new SelectionSummary(
        current.policy().name(),
        current.since(),
        current.switches(),
        bounds(estimate.pgr()),
        bounds(estimate.strongShare()),
        status.outcomes(),
        status.decisions(),
        status.explored(),
        status.exploredOffPolicy(),
        status.explorationShare());
  }

  private static SelectionSummary.Bounds bounds(OffPolicyEstimator.Interval interval) {
    return SelectionSummary.Bounds.of(interval.estimate(), interval.low(), interval.high());
  }

  /** The choice between the cheap and the strong model for each learned decision. */
  public PolicyRouting policies() {
    return policies;
  }

  /** The policies' figures, computed at most once a second (a bootstrap costs milliseconds). */
  public PolicyRouting.Status policyStatus() {
    PolicyRouting.Status status = policyStatus;
    long now = System.nanoTime();
    if (status == null || now - policyStatusAtNanos > STATUS_MAX_AGE_NANOS) {
      status = policies.status();
      policyStatus = status;
      policyStatusAtNanos = now;
    }
    return status;
  }

  /** Where the last decision on {@code prompt} of {@code tenant} is kept for the retry window. */
  public String retryKey(String tenant, String prompt) {
    return LearnedSelectionKeys.lastDecisionOn(
        router, Digests.sha256Hex((tenant == null ? "" : tenant) + "\u0000" + prompt));
  }

  /** Examples the current predictor learned from. */
  public int examplesLearned() {
    return examplesLearned;
  }

  /**
   * Encodes the prompt on the worker pool and predicts every model's chance. Completes with null
   * when the encoder is unavailable or the pool is full: the selection then goes by quality.
   */
  public CompletionStage<Prediction> predict(String prompt) {
    return predict(prompt, PromptFeatures.of(prompt, 1, false, 0), null);
  }

  /**
   * As above, for a request of the given shape whose retries are watched under {@code retryKey}.
   */
  public CompletionStage<Prediction> predict(
      String prompt, PromptFeatures features, String retryKey) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            PromptEncoder loaded;
            try {
              loaded = encoder.join();
            } catch (RuntimeException unavailable) {
              return null;
            }
            float[] embedding = loaded.encode(prompt);
            SuccessPredictor current = predictor;
            Map<String, Double> chances = new HashMap<>();
            if (current != null) {
              double[] chance = current.predict(embedding, prompt.length());
              for (int m = 0; m < chance.length; m++) {
                chances.put(current.models().get(m), chance[m]);
              }
            }
            return new Prediction(embedding, prompt.length(), chances, features, retryKey);
          },
          encoders);
    } catch (RejectedExecutionException full) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A new request id, for the answer's header and later feedback. */
  public static String newRequestId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Keeps a decision for a day, so feedback on {@code requestId} can reach the examples, with the
   * candidate policies' actions when {@code decision} is not null. When the same tenant asked the
   * same prompt within the retry window, the answer it had then counts as bad (the client retried).
   */
  public Future<Void> remember(
      String requestId, Prediction prediction, String model, PolicyRouting.Decision decision) {
    String key = LearnedSelectionKeys.decision(router, requestId);
    Request fields =
        Request.cmd(Command.HSET)
            .arg(key)
            .arg(LearnedSelectionKeys.EMBEDDING)
            .arg(Buffer.buffer(LearnedSelectionKeys.pack(prediction.embedding())))
            .arg(LearnedSelectionKeys.CHARS)
            .arg(prediction.promptChars())
            .arg(LearnedSelectionKeys.MODEL)
            .arg(model);
    if (decision != null) {
      policyFields(decision).forEach((name, value) -> fields.arg(name).arg(value));
    }
    List<Request> requests = new ArrayList<>();
    requests.add(fields);
    requests.add(
        Request.cmd(Command.EXPIRE).arg(key).arg(LearnedSelectionKeys.DECISION_TTL_SECONDS));
    if (prediction.retryKey() != null) {
      requests.add(
          Request.cmd(Command.SET)
              .arg(prediction.retryKey())
              .arg(requestId)
              .arg("EX")
              .arg(LearnedSelectionKeys.RETRY_WINDOW_SECONDS)
              .arg("GET"));
    }
    return redis
        .batch(requests)
        .compose(
            replies -> {
              Response earlier = replies.size() > 2 ? replies.get(2) : null;
              if (earlier == null || earlier.toString().equals(requestId)) {
                return Future.succeededFuture();
              }
              return feedback(earlier.toString(), 0.0, "retry").mapEmpty();
            });
  }

  private static Map<String, String> policyFields(PolicyRouting.Decision decision) {
    Map<String, String> fields = new HashMap<>();
    fields.put(LearnedSelectionKeys.POLICY_ACTIONS, String.valueOf(decision.actions()));
    fields.put(LearnedSelectionKeys.POLICY_STRONG, decision.strong() ? "1" : "0");
    fields.put(LearnedSelectionKeys.PROPENSITY, String.valueOf(decision.propensity()));
    if (!Double.isNaN(decision.weakChance())) {
      fields.put(LearnedSelectionKeys.PREDICTED_WEAK, String.valueOf(decision.weakChance()));
    }
    if (!Double.isNaN(decision.strongChance())) {
      fields.put(LearnedSelectionKeys.PREDICTED_STRONG, String.valueOf(decision.strongChance()));
    }
    return fields;
  }

  /**
   * Feedback on a decision: the answering model's outcome (0 bad to 1 good) becomes an example.
   * Completes with the model's name, or null when no decision with that id is kept.
   */
  public Future<String> feedback(String requestId, double outcome) {
    return feedback(requestId, outcome, "feedback");
  }

  /**
   * A streamed answer that did not reach its end, because the client closed it ({@link #CUT_OFF})
   * or the upstream broke it off ({@link #FAILURE}): a bad outcome for the answering model, as if
   * rated down (a later rating is then 404). Completes with the model, or null when the decision
   * was already rated.
   */
  public Future<String> streamedAnswerBad(String requestId, String source) {
    return feedback(requestId, 0.0, source);
  }

  private Future<String> feedback(String requestId, double outcome, String source) {
    String key = LearnedSelectionKeys.decision(router, requestId);
    return redis
        .send(Request.cmd(Command.HGETALL).arg(key))
        .compose(
            fields -> {
              Map<String, Response> decision = ExampleStream.fieldsOf(fields);
              Response model = decision.get(LearnedSelectionKeys.MODEL);
              if (model == null) {
                return Future.succeededFuture(null);
              }
              return redis
                  .send(Request.cmd(Command.DEL).arg(key))
                  .compose(
                      deleted -> {
                        // Another router took this feedback first: record it once.
                        if (deleted.toInteger() == 0) {
                          return Future.succeededFuture(null);
                        }
                        Map<String, String> policy = new HashMap<>();
                        for (String field : POLICY_FIELDS) {
                          if (decision.get(field) != null) {
                            policy.put(field, decision.get(field).toString());
                          }
                        }
                        return add(
                                decision.get(LearnedSelectionKeys.EMBEDDING).toBytes(),
                                decision.get(LearnedSelectionKeys.CHARS).toInteger(),
                                Map.of(model.toString(), outcome),
                                source,
                                policy)
                            .map(model.toString());
                      });
            });
  }

  /**
   * The model failed to answer this prompt (an upstream error): a bad outcome for it, and for the
   * policies' estimates when {@code decision} chose it.
   */
  public Future<Void> failed(Prediction prediction, String model, PolicyRouting.Decision decision) {
    return add(
            LearnedSelectionKeys.pack(prediction.embedding()),
            prediction.promptChars(),
            Map.of(model, 0.0),
            FAILURE,
            decision == null ? Map.of() : policyFields(decision))
        .mapEmpty();
  }

  /** Encodes every row of labelled prompts and adds them; completes with the number added. */
  public Future<Integer> load(LabelledPrompts data) {
    Promise<Integer> done = Promise.promise();
    encoder
        .thenApplyAsync(
            loaded -> {
              List<Request> adds = new ArrayList<>();
              for (LabelledPrompts.Row row : data.rows()) {
                Map<String, Double> outcomes = new HashMap<>();
                for (int m = 0; m < data.models().size(); m++) {
                  if (!Double.isNaN(row.outcomes()[m])) {
                    outcomes.put(data.models().get(m), row.outcomes()[m]);
                  }
                }
                adds.add(
                    addRequest(
                        LearnedSelectionKeys.pack(loaded.encode(row.prompt())),
                        row.prompt().length(),
                        outcomes,
                        "csv",
                        Map.of()));
              }
              return adds;
            },
            encoders)
        .whenComplete(
            (adds, error) -> {
              if (error != null) {
                done.fail(error);
              } else {
                writeInBatches(adds, 0).map(adds.size()).onComplete(done);
              }
            });
    return done.future();
  }

  /** One batch after the other: a whole file at once would overflow the client's queue. */
  private Future<Void> writeInBatches(List<Request> adds, int from) {
    if (from >= adds.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(adds.size(), from + WRITE_BATCH);
    return redis.batch(adds.subList(from, to)).compose(ok -> writeInBatches(adds, to));
  }

  private Future<Response> add(
      byte[] embedding,
      int promptChars,
      Map<String, Double> outcomes,
      String source,
      Map<String, String> policy) {
    return redis
        .send(addRequest(embedding, promptChars, outcomes, source, policy))
        .onSuccess(added -> outcomeWritten.accept(source));
  }

  private Request addRequest(
      byte[] embedding,
      int promptChars,
      Map<String, Double> outcomes,
      String source,
      Map<String, String> policy) {
    Request add =
        Request.cmd(Command.XADD)
            .arg(stream)
            .arg("MAXLEN")
            .arg("~")
            .arg(LearnedSelectionKeys.MAX_EXAMPLES)
            .arg("*")
            .arg(LearnedSelectionKeys.EMBEDDING)
            .arg(Buffer.buffer(embedding))
            .arg(LearnedSelectionKeys.CHARS)
            .arg(promptChars)
            .arg(LearnedSelectionKeys.SOURCE)
            .arg(source);
    outcomes.forEach(
        (model, outcome) -> add.arg(LearnedSelectionKeys.OUTCOME + model).arg(outcome));
    policy.forEach((name, value) -> add.arg(name).arg(value));
    return add;
  }

  /** Reads the stream's new entries; more pages at once when a page was full. */
  private void read() {
    if (!reading.compareAndSet(false, true)) {
      return;
    }
    examplesStream
        .next()
        .onComplete(
            result -> {
              reading.set(false);
              if (result.failed()) {
                LOG.debugf("learned examples not read: %s", result.cause().getMessage());
                queueRebuild();
                return;
              }
              ExampleStream.Page page = result.result();
              List<LoggedOutcome> outcomes = new ArrayList<>();
              for (ExampleStream.Entry entry : page.entries()) {
                Map<String, Response> fields = entry.fields();
                Example example = exampleOf(fields);
                LoggedOutcome outcome = example == null ? null : loggedOutcomeOf(fields, example);
                if (outcome != null) {
                  outcomes.add(outcome);
                }
                if (example != null) {
                  synchronized (examples) {
                    examples.add(example);
                    if (examples.size() > LearnedSelectionKeys.MAX_EXAMPLES) {
                      examples.remove(0);
                    }
                  }
                }
              }
              policies.recordAll(outcomes);
              noteInForce();
              queueRebuild();
              if (page.full()) {
                read();
              }
            });
  }

  private static Example exampleOf(Map<String, Response> fields) {
    Response embedding = fields.get(LearnedSelectionKeys.EMBEDDING);
    Response chars = fields.get(LearnedSelectionKeys.CHARS);
    if (embedding == null || chars == null) {
      return null;
    }
    Map<String, Double> outcomes = new HashMap<>();
    fields.forEach(
        (name, value) -> {
          if (name.startsWith(LearnedSelectionKeys.OUTCOME)) {
            outcomes.put(
                name.substring(LearnedSelectionKeys.OUTCOME.length()),
                Double.parseDouble(value.toString()));
          }
        });
    return new Example(
        LearnedSelectionKeys.unpack(embedding.toBytes()), chars.toInteger(), outcomes);
  }

  /** The outcome of a logged policy decision, when the entry carries one. */
  private static LoggedOutcome loggedOutcomeOf(Map<String, Response> fields, Example example) {
    Response actions = fields.get(LearnedSelectionKeys.POLICY_ACTIONS);
    Response strong = fields.get(LearnedSelectionKeys.POLICY_STRONG);
    Response propensity = fields.get(LearnedSelectionKeys.PROPENSITY);
    if (actions == null || strong == null || propensity == null || example.outcomes().size() != 1) {
      return null;
    }
    try {
      return new LoggedOutcome(
          Integer.parseInt(actions.toString()),
          "1".equals(strong.toString()),
          Double.parseDouble(propensity.toString()),
          example.outcomes().values().iterator().next(),
          chanceOf(fields.get(LearnedSelectionKeys.PREDICTED_WEAK)),
          chanceOf(fields.get(LearnedSelectionKeys.PREDICTED_STRONG)));
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  private static double chanceOf(Response field) {
    return field == null ? Double.NaN : Double.parseDouble(field.toString());
  }

  /** Rebuilds the predictor on the fitter's thread when examples arrived or the heads are due. */
  private void queueRebuild() {
    int known;
    synchronized (examples) {
      known = examples.size();
    }
    boolean headsDue =
        known != headsFittedOn && System.nanoTime() - headsFittedAtNanos >= refitInterval.toNanos();
    if ((known != examplesLearned || headsDue) && rebuildQueued.compareAndSet(false, true)) {
      try {
        fitter.execute(this::rebuild);
      } catch (RejectedExecutionException stopped) {
        rebuildQueued.set(false);
      }
    }
  }

  private void rebuild() {
    rebuildQueued.set(false);
    List<Example> all;
    synchronized (examples) {
      all = List.copyOf(examples);
    }
    if (all.isEmpty()) {
      return;
    }
    TreeSet<String> names = new TreeSet<>();
    all.forEach(e -> names.addAll(e.outcomes().keySet()));
    List<String> models = List.copyOf(names);
    List<LabelledExample> labelled = new ArrayList<>(all.size());
    for (Example e : all) {
      double[] outcomes = new double[models.size()];
      Arrays.fill(outcomes, Double.NaN);
      e.outcomes().forEach((model, outcome) -> outcomes[models.indexOf(model)] = outcome);
      labelled.add(new LabelledExample(e.embedding(), e.promptChars(), outcomes));
    }
    SuccessPredictor current = predictor;
    long now = System.nanoTime();
    boolean refit =
        current == null
            || !current.models().equals(models)
            || now - headsFittedAtNanos >= refitInterval.toNanos();
    if (refit) {
      predictor =
          SuccessPredictor.train(
              models, labelled, SuccessPredictor.Method.mixture, SuccessPredictor.Settings.DEFAULT);
      headsFittedAtNanos = now;
      headsFittedOn = all.size();
      LOG.infof("learned selection of %s: fitted on %d examples", router, all.size());
    } else {
      predictor = current.withExamples(labelled);
    }
    examplesLearned = all.size();
  }

  private static java.util.concurrent.ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
