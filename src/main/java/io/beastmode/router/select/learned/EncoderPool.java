package io.beastmode.router.select.learned;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The prompt encoder of one router and the threads it runs on: one per core, a bounded queue (a
 * full one refuses work, which then goes on without an embedding), the encoder loaded on the first
 * of them. One per router, shared by the learned selection and the semantic cache, so the model and
 * ONNX Runtime are in memory once.
 */
public final class EncoderPool {
  private static final Logger LOG = Logger.getLogger(EncoderPool.class);

  private final ThreadPoolExecutor threads;
  private final CompletableFuture<PromptEncoder> encoder = new CompletableFuture<>();

  public EncoderPool() {
    int cores = Runtime.getRuntime().availableProcessors();
    this.threads =
        new ThreadPoolExecutor(
            cores,
            cores,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1024),
            runnable -> {
              Thread thread = new Thread(runnable, "beastmode-prompt-encoder");
              thread.setDaemon(true);
              return thread;
            });
    threads.execute(
        () -> {
          try {
            encoder.complete(new PromptEncoder(4096));
          } catch (RuntimeException | Error e) {
            LOG.error(
                "the prompt encoder cannot load: learned selection goes by quality and the"
                    + " semantic cache serves nothing",
                e);
            encoder.completeExceptionally(e);
          }
        });
  }

  /** The encoder, once loaded; failed when it cannot load. */
  public CompletableFuture<PromptEncoder> encoder() {
    return encoder;
  }

  /** Whether the encoder has loaded. */
  public boolean ready() {
    return encoder.isDone() && !encoder.isCompletedExceptionally();
  }

  /** The threads work that encodes runs on; refuses work when its queue is full. */
  public Executor threads() {
    return threads;
  }

  public void stop() {
    threads.shutdownNow();
  }
}
