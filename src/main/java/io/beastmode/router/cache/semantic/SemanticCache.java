package io.beastmode.router.cache.semantic;

import io.beastmode.router.cache.Deadline;
import io.beastmode.router.select.learned.EncoderPool;
import io.beastmode.router.select.learned.PromptEncoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * A router's semantic cache: per partition an in-memory index of the cached prompts' embeddings,
 * loaded from the region's Redis on first use and kept in step with the other routers through the
 * store's change stream; and the learned decision ({@link HitPolicy}), one per wrong-rate bound in
 * use, rebuilt from the labels on the stream after a restart.
 *
 * <p>Labels take effect when read back from the stream, this router's own too: every router of the
 * region then learns the same labels once, in the same order.
 */
public final class SemanticCache {
  private static final Logger LOG = Logger.getLogger(SemanticCache.class);

  /** Nearest entries handed to the decision. */
  static final int NEIGHBOURS = 4;

  private static final int READ_BATCH = 1000;

  /** Labels kept to teach a policy made later (for another bound) what the others learned. */
  private static final int MAX_LABELS = SemanticStore.MAX_EVENTS;

  /** What the cache makes of a prompt. */
  public record Lookup(Decision decision, SemanticEntry entry, float[] vector) {
    public Verdict verdict() {
      return decision.verdict();
    }
  }

  /** One partition's index; {@code loaded} completes once its entries came from Redis. */
  private record Partition(SimilarityIndex index, int capacity, Future<Void> loaded) {}

  private record Label(long entryId, float similarity, boolean correct) {}

  private final Vertx vertx;
  private final SemanticStore store;
  private final LongSupplier clock;
  private final long loadTimeoutMillis;
  private final int maxEntries;
  private final Executor encoders;
  private final CompletableFuture<PromptEncoder> encoder;
  private final Map<String, Partition> partitions = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Long, SemanticEntry> entries = new ConcurrentHashMap<>();
  private final Map<Double, HitPolicy> policies = new ConcurrentHashMap<>();
  private final Deque<Label> labels = new ArrayDeque<>();
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile String lastEventId = "0-0";
  private final java.util.concurrent.atomic.AtomicLong changesRead =
      new java.util.concurrent.atomic.AtomicLong();
  private long timer = -1;
  private final AtomicLong highestId = new AtomicLong();

  /**
   * @param commands sends one command on a connection of the caller's event loop (see {@link
   *     SemanticStore})
   * @param maxEntries entries this router keeps in memory over all partitions; the least recently
   *     used partitions are dropped past it (they load again when asked for)
   * @param pool the router's encoder, shared with its learned selection; stopped by its owner
   * @param loadTimeoutMillis how long a request waits for its partition to load before it goes on
   *     as a miss
   */
  public SemanticCache(
      Vertx vertx,
      Redis redis,
      Function<Request, Future<Response>> commands,
      String router,
      int maxEntries,
      long loadTimeoutMillis,
      LongSupplier clock,
      EncoderPool pool) {
    this.vertx = vertx;
    this.store = new SemanticStore(redis, commands, router);
    this.maxEntries = maxEntries;
    this.loadTimeoutMillis = loadTimeoutMillis;
    this.clock = clock;
    this.encoders = pool.threads();
    this.encoder = pool.encoder();
  }

  /**
   * Reads the change stream from its start (labels learned before), then every {@code pollMillis}.
   */
  public void start(long pollMillis) {
    read();
    timer = vertx.setPeriodic(pollMillis, id -> read());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  public SemanticStore store() {
    return store;
  }

  /**
   * What to do with a prompt in a partition: serve a cached entry's answer, explore (ask the model
   * and compare), or miss. Fails when the encoder is busy or the partition did not load in time:
   * the request then goes on as a miss.
   */
  public Future<Lookup> lookup(String partition, String prompt, double maxWrongRate, int capacity) {
    Partition part = partition(partition, capacity);
    HitPolicy policy = policy(maxWrongRate);
    return withTimeout(part.loaded())
        .compose(loaded -> encode(prompt))
        .map(vector -> decide(part, prompt, vector, policy));
  }

  /**
   * The prompt's embedding, on the encoder's pool. Fails at once while the encoder is still loading
   * (after a start): a request does not wait for it.
   */
  public Future<float[]> encode(String text) {
    if (!encoder.isDone()) {
      return Future.failedFuture("the semantic cache's encoder is still loading");
    }
    Promise<float[]> promise = Promise.promise();
    try {
      encoders.execute(
          () -> {
            try {
              promise.complete(encoder.join().encode(text));
            } catch (RuntimeException e) {
              promise.fail(e);
            }
          });
    } catch (RejectedExecutionException busy) {
      promise.fail("the semantic cache's encoder is busy");
    }
    return promise.future();
  }

  /**
   * Whether a fresh answer agrees with the cached one ({@link AnswerAgreement}), on the encoder's
   * pool: answers long enough to be compared by meaning are encoded.
   */
  public Future<Boolean> agree(String cachedAnswer, String freshAnswer) {
    if (!encoder.isDone()) {
      return Future.failedFuture("the semantic cache's encoder is still loading");
    }
    Promise<Boolean> promise = Promise.promise();
    try {
      encoders.execute(
          () -> {
            try {
              PromptEncoder loaded = encoder.join();
              promise.complete(
                  AnswerAgreement.agree(
                      cachedAnswer,
                      freshAnswer,
                      (a, b) -> dot(loaded.encode(a), loaded.encode(b))));
            } catch (RuntimeException e) {
              promise.fail(e);
            }
          });
    } catch (RejectedExecutionException busy) {
      promise.fail("the semantic cache's encoder is busy");
    }
    return promise.future();
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private Lookup decide(Partition part, String prompt, float[] vector, HitPolicy policy) {
    long now = clock.getAsLong();
    List<Candidate> candidates = new ArrayList<>(NEIGHBOURS);
    for (Neighbour neighbour : part.index().nearest(vector, NEIGHBOURS)) {
      SemanticEntry entry = entries.get(neighbour.entryId());
      if (entry != null && !entry.expired(now)) {
        candidates.add(new Candidate(entry.id(), entry.prompt(), neighbour.similarity()));
      }
    }
    Decision decision = policy.decide(prompt, candidates);
    SemanticEntry chosen =
        decision.candidate() == null ? null : entries.get(decision.candidate().entryId());
    return new Lookup(decision, chosen, vector);
  }

  /**
   * Adds a freshly answered prompt to its partition, here at once and for the region's other
   * routers through Redis. The oldest entry goes when the partition is full.
   */
  public Future<SemanticEntry> remember(
      String partition,
      String prompt,
      float[] vector,
      String answerKey,
      int ttlSeconds,
      int capacity) {
    return store
        .nextId(highestId.get() + 1)
        .compose(
            id -> {
              sawId(id);
              SemanticEntry entry =
                  new SemanticEntry(
                      id,
                      partition,
                      prompt,
                      vector,
                      answerKey,
                      clock.getAsLong() + ttlSeconds * 1000L);
              long evicted = index(entry, capacity);
              if (evicted >= 0) {
                store.remove(partition, evicted);
              }
              return store.add(entry, ttlSeconds).map(entry);
            });
  }

  /** Drops an entry whose answer is gone from the exact cache. */
  public void drop(SemanticEntry entry) {
    forget(entry.partition(), entry.id());
    store.remove(entry.partition(), entry.id());
  }

  /** Records a label for the region: learned by every router once it is read from the stream. */
  public Future<Void> label(long entryId, float similarity, boolean correct) {
    return store.label(entryId, similarity, correct);
  }

  /** Whether the encoder has loaded: until then every lookup is a miss. */
  public boolean encoderReady() {
    return encoder.isDone() && !encoder.isCompletedExceptionally();
  }

  /** Entries in this router's memory, over all partitions. */
  public int entries() {
    return entries.size();
  }

  /** Partitions loaded in this router. */
  public synchronized int partitions() {
    return partitions.size();
  }

  /** Memory the indexes and entries hold, estimated. */
  public synchronized long bytes() {
    long total = 0;
    for (Partition part : partitions.values()) {
      total += part.index().bytes();
    }
    for (SemanticEntry entry : entries.values()) {
      total += entry.bytes();
    }
    return total;
  }

  /** Changes read from the region's stream since the start: how far this router has followed. */
  public long changesRead() {
    return changesRead.get();
  }

  /** Labels learned since the start, by every router of the region. */
  public synchronized int labels() {
    return labels.size();
  }

  private synchronized Partition partition(String partition, int capacity) {
    Partition part = partitions.get(partition);
    if (part != null) {
      return part;
    }
    Promise<Void> loaded = Promise.promise();
    part =
        new Partition(
            new SimilarityIndex(capacity, PromptEncoder.DIMENSIONS), capacity, loaded.future());
    partitions.put(partition, part);
    Partition created = part;
    store
        .load(partition)
        .onSuccess(
            stored -> {
              long now = clock.getAsLong();
              for (SemanticEntry entry : stored) {
                if (!entry.expired(now)) {
                  index(entry, capacity);
                }
              }
              loaded.complete();
            })
        .onFailure(
            error -> {
              // Asked again later: the next request loads it anew.
              synchronized (this) {
                partitions.remove(partition, created);
              }
              loaded.fail(error);
            });
    dropLeastRecentlyUsed();
    return part;
  }

  /** Adds an entry to its loaded partition's index; the id evicted, or -1. */
  private long index(SemanticEntry entry, int capacity) {
    sawId(entry.id());
    Partition part;
    synchronized (this) {
      part = partitions.get(entry.partition());
    }
    if (part == null || entries.putIfAbsent(entry.id(), entry.withoutVector()) != null) {
      return -1;
    }
    long evicted = part.index().add(entry.id(), entry.vector());
    if (evicted >= 0) {
      entries.remove(evicted);
    }
    return evicted;
  }

  /** The highest entry id issued or seen here: the floor of the next one this router asks for. */
  private void sawId(long id) {
    highestId.accumulateAndGet(id, Math::max);
  }

  private void forget(String partition, long entryId) {
    Partition part;
    synchronized (this) {
      part = partitions.get(partition);
    }
    if (part != null) {
      part.index().remove(entryId);
    }
    entries.remove(entryId);
  }

  private synchronized void dropLeastRecentlyUsed() {
    var oldest = partitions.entrySet().iterator();
    while (entries.size() > maxEntries && partitions.size() > 1 && oldest.hasNext()) {
      var dropped = oldest.next();
      oldest.remove();
      entries.values().removeIf(entry -> entry.partition().equals(dropped.getKey()));
    }
  }

  /** The policy for a bound; a new one learns every label kept so far. */
  private HitPolicy policy(double maxWrongRate) {
    HitPolicy known = policies.get(maxWrongRate);
    if (known != null) {
      return known;
    }
    synchronized (this) {
      return policies.computeIfAbsent(
          maxWrongRate,
          delta -> {
            HitPolicy policy = new HitPolicy(delta, 1L);
            for (Label label : labels) {
              policy.learn(label.entryId(), label.similarity(), label.correct());
            }
            return policy;
          });
    }
  }

  /** Reads the stream's new changes; more pages at once when a page was full. */
  private void read() {
    if (!reading.compareAndSet(false, true)) {
      return;
    }
    store
        .read(lastEventId, READ_BATCH)
        .onComplete(
            result -> {
              reading.set(false);
              if (result.failed()) {
                LOG.debugf("semantic cache changes not read: %s", result.cause().getMessage());
                return;
              }
              List<SemanticStore.Event> events = result.result();
              for (SemanticStore.Event event : events) {
                apply(event);
                lastEventId = event.streamId();
                changesRead.incrementAndGet();
              }
              if (events.size() == READ_BATCH) {
                read();
              }
            });
  }

  private void apply(SemanticStore.Event event) {
    if (event instanceof SemanticStore.Added added) {
      sawId(added.entry().id());
      Partition part;
      synchronized (this) {
        part = partitions.get(added.entry().partition());
      }
      if (part != null) {
        index(added.entry(), part.capacity());
      }
    } else if (event instanceof SemanticStore.Removed removed) {
      forget(removed.partition(), removed.entryId());
      policies.values().forEach(policy -> policy.forget(removed.entryId()));
    } else if (event instanceof SemanticStore.Labelled labelled) {
      // Under the lock that a new policy learns the kept labels under: each learns it once.
      synchronized (this) {
        labels.addLast(new Label(labelled.entryId(), labelled.similarity(), labelled.correct()));
        if (labels.size() > MAX_LABELS) {
          labels.removeFirst();
        }
        for (HitPolicy policy : policies.values()) {
          policy.learn(labelled.entryId(), labelled.similarity(), labelled.correct());
        }
      }
    }
  }

  private <T> Future<T> withTimeout(Future<T> future) {
    return Deadline.within(vertx, future, loadTimeoutMillis, "the partition did not load");
  }
}
