package io.beastmode.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Clients of the assistant: chat completions at a fixed rate (open loop: a slow answer does not
 * slow the next request), sent to each region in proportion to its current weight, as a weighted
 * global entry point (DNS or Gateway) would. Questions repeat often enough for the cache to matter.
 */
public final class TrafficDriver implements AutoCloseable {
  private static final List<String> QUESTIONS =
      List.of(
          "What is the capital of France?", "Summarise the plot of Hamlet in two sentences.",
          "How do I reverse a list in Python?", "What is the boiling point of water at sea level?",
          "Explain TCP slow start briefly.", "Translate 'good morning' into Spanish.",
          "What is a Kubernetes operator?", "Give me three names for a grey cat.",
          "What does HTTP 429 mean?", "How many days are in a leap year?",
          "Write a haiku about autumn.", "What is the square root of 144?",
          "Who wrote Pride and Prejudice?", "What is the difference between RAM and disk?",
          "Explain what a mutex is.", "What time zone is Tokyo in?");

  /** Share of requests asking something new (never cached). */
  private static final double NEW_QUESTION_SHARE = 0.3;

  /**
   * Share of the repeated questions typed another way (case, punctuation, spacing): the exact cache
   * misses them, the semantic cache learns they have the same answers.
   */
  private static final double RETYPED_SHARE = 0.4;

  private final Map<String, URI> entries;
  private final String apiKey;
  private final Supplier<Map<String, Integer>> weights;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "traffic"));
  private final Random random = new Random(7);
  private final AtomicLong sequence = new AtomicLong();
  public final LongAdder sent = new LongAdder();
  public final LongAdder answered = new LongAdder();
  public final LongAdder failed = new LongAdder();

  /**
   * Answers by the region that served them (x-beastmode-region): another than the one asked after a
   * peer fallback.
   */
  final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();

  /**
   * @param entries each region's router Service
   * @param weights each region's current traffic weight (percent)
   * @param apiKey the key the clients present
   */
  public TrafficDriver(
      Map<String, URI> entries, Supplier<Map<String, Integer>> weights, String apiKey) {
    this.entries = entries;
    this.apiKey = apiKey;
    this.weights = weights;
  }

  public void start(int requestsPerSecond) {
    ticker.scheduleAtFixedRate(this::send, 0, 1_000_000 / requestsPerSecond, TimeUnit.MICROSECONDS);
  }

  private void send() {
    String region = pick(weights.get());
    if (region == null) {
      return;
    }
    long n = sequence.incrementAndGet();
    String question =
        random.nextDouble() < NEW_QUESTION_SHARE
            ? "Tell me fact number " + n + " about the sea."
            : QUESTIONS.get((int) (QUESTIONS.size() * Math.pow(random.nextDouble(), 2)));
    if (!question.startsWith("Tell me fact") && random.nextDouble() < RETYPED_SHARE) {
      question = retyped(question, n);
    }
    String body =
        "{\"model\":\"auto\",\"temperature\":0,\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
            + question
            + "\"}]}";
    var request =
        HttpRequest.newBuilder(entries.get(region).resolve("/v1/chat/completions"))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .header("authorization", "Bearer " + apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    sent.increment();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() == 200) {
                answered.increment();
                servedBy
                    .computeIfAbsent(
                        response.headers().firstValue("x-beastmode-region").orElse(region),
                        r -> new LongAdder())
                    .increment();
              } else {
                failed.increment();
              }
            });
  }

  /**
   * The question as another client types it: lower case, its last mark left off every other time,
   * and words spaced as the bits of {@code n} say, so the exact cache sees a new question nearly
   * every time (hundreds of spellings per question) while the encoder reads them all alike.
   */
  static String retyped(String question, long n) {
    String typed = question.toLowerCase(java.util.Locale.ROOT);
    if (n % 2 == 0) {
      typed = typed.replaceAll("[?.!]$", "");
    }
    String[] words = typed.split(" ");
    StringBuilder spaced = new StringBuilder(words[0]);
    long bits = n / 2;
    for (int i = 1; i < words.length; i++, bits >>= 1) {
      spaced.append((bits & 1) == 1 ? "  " : " ").append(words[i]);
    }
    return spaced.append(" ".repeat((int) (bits % 8))).toString();
  }

  private String pick(Map<String, Integer> current) {
    int total = current.values().stream().mapToInt(Integer::intValue).sum();
    if (total <= 0) {
      return null;
    }
    int ticket = random.nextInt(total);
    for (var entry : current.entrySet()) {
      ticket -= entry.getValue();
      if (ticket < 0) {
        return entry.getKey();
      }
    }
    return null;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
