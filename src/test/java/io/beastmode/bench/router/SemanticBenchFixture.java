package io.beastmode.bench.router;

import io.beastmode.router.cache.semantic.SemanticEntry;
import io.beastmode.router.cache.semantic.SemanticStore;
import io.beastmode.router.select.learned.PromptEncoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * The semantic cache's rows of {@code make bench-router}: a router whose partitions hold {@value
 * #ENTRIES} entries each before it is measured, one answered question among them, and labels that
 * vouch for serving it (as a region's routers would have learned them from explorations). Misses
 * ask new questions, so each is encoded, searched against the whole partition and then stored; hits
 * ask the answered question again with other white space between its words, which the exact cache
 * misses and the encoder reads alike: each is encoded (no two are the same text), searched and
 * served.
 */
final class SemanticBenchFixture {
  static final int ENTRIES = 50_000;
  static final String ROUTER = "bench/semantic";
  static final String HIT_TENANT = "semantic-hits";
  static final String MISS_TENANT = "semantic-misses";

  /** The answered question: the one the exact-cache hit rows ask too. */
  static final String QUESTION = "Question 0: what is the capital of France?";

  /** Labels seeded for the answered question's entry: enough to serve it at a 1 % bound. */
  static final int LABELS = 2_000;

  private SemanticBenchFixture() {}

  /**
   * The answered question asked again, each {@code n} with its own white space: the words are
   * joined by one or two spaces and followed by tabs and spaces as the bits of {@code n} say.
   */
  static String reAsked(long n) {
    String[] words = QUESTION.split(" ");
    StringBuilder text = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      text.append(((n >> (i - 1)) & 1) == 1 ? "  " : " ").append(words[i]);
    }
    text.append(' ');
    for (long rest = n >> (words.length - 1); rest > 0; rest >>= 1) {
      text.append((rest & 1) == 1 ? '\t' : ' ');
    }
    return text.toString();
  }

  static LongFunction<Buffer> hitBodies(String model, int maxTokens, boolean stream) {
    return n ->
        Buffer.buffer(
            "{\"model\":\""
                + model
                + "\",\"temperature\":0,\"max_tokens\":"
                + maxTokens
                + ",\"stream\":"
                + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + reAsked(n).replace("\t", "\\t")
                + "\"}]}");
  }

  /**
   * Fills the partitions of the two tenants once the router has answered a first question in each:
   * {@link #ENTRIES} entries each (random unit vectors beside the real ones: the search costs the
   * same), then the labels for the answered question, through the store the routers use; returns
   * when the router has read them all.
   */
  static void fill(String redisUrl, Runnable askFirstQuestions, Runnable awaitRouterRead)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    Redis redis =
        Redis.createClient(
            vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolWaiting(ENTRIES * 4));
    try {
      askFirstQuestions.run();
      SemanticStore store = new SemanticStore(redis, redis::send, ROUTER);
      List<String> partitions = awaitPartitions(redis, 2);
      SemanticEntry answered = null;
      for (String partition : partitions) {
        List<SemanticEntry> stored = await(store.load(partition));
        SemanticEntry first = stored.get(0);
        if (first.prompt().equals(QUESTION)) {
          answered = first;
        }
        SplittableRandom random = new SplittableRandom(partition.hashCode());
        List<Future<Void>> writes = new ArrayList<>();
        for (int i = stored.size(); i < ENTRIES; i++) {
          long id = await(store.nextId(0));
          writes.add(
              store.add(
                  new SemanticEntry(
                      id,
                      partition,
                      "synthetic entry " + id,
                      randomUnitVector(random),
                      first.answerKey(),
                      first.expiresAtMillis()),
                  3600));
          if (writes.size() == 1000) {
            await(Future.all(writes));
            writes.clear();
          }
        }
        await(Future.all(writes));
      }
      if (answered == null) {
        throw new IllegalStateException("the answered question's entry is not in Redis");
      }
      List<Future<Void>> labels = new ArrayList<>();
      for (int i = 0; i < LABELS; i++) {
        labels.add(store.label(answered.id(), 0.999f, true));
      }
      await(Future.all(labels));
      awaitRouterRead.run();
    } finally {
      redis.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The length of the router's change stream: what it has read once it has caught up. */
  static long changes(String redisUrl) throws Exception {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, redisUrl);
    try {
      return await(
              redis.send(Request.cmd(Command.XLEN).arg("beastmode:semantic:" + ROUTER + ":events")))
          .toLong();
    } finally {
      redis.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static List<String> awaitPartitions(Redis redis, int count) throws Exception {
    String prefix = "beastmode:semantic:" + ROUTER + ":p:";
    for (int attempt = 0; attempt < 100; attempt++) {
      Response keys = await(redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")));
      if (keys.size() >= count) {
        List<String> partitions = new ArrayList<>();
        keys.forEach(key -> partitions.add(key.toString().substring(prefix.length())));
        return partitions;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the semantic router stored no first answers");
  }

  private static float[] randomUnitVector(SplittableRandom random) {
    float[] vector = new float[PromptEncoder.DIMENSIONS];
    double norm = 0;
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) random.nextDouble(-1, 1);
      norm += vector[i] * vector[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < vector.length; i++) {
      vector[i] *= scale;
    }
    return vector;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
