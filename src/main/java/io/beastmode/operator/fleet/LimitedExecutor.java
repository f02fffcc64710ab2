package io.beastmode.operator.fleet;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks on shared threads with at most {@code limit} of them running at once; the rest wait
 * their turn in order. A member cluster gets one, so a burst of reconciles (an operator restart
 * with a hundred routers) reaches its API server a few calls at a time, as client-go's burst limit
 * would, and a member that hangs holds at most {@code limit} threads.
 */
public final class LimitedExecutor implements Executor {
  private final Executor threads;
  private final int limit;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int running;

  public LimitedExecutor(Executor threads, int limit) {
    this.threads = threads;
    this.limit = limit;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (running >= limit) {
        waiting.add(task);
        return;
      }
      running++;
    }
    start(task);
  }

  /** Tasks waiting for a turn. */
  public synchronized int waiting() {
    return waiting.size();
  }

  private void start(Runnable task) {
    threads.execute(
        () -> {
          try {
            task.run();
          } finally {
            next();
          }
        });
  }

  private void next() {
    Runnable task;
    synchronized (this) {
      task = waiting.poll();
      if (task == null) {
        running--;
        return;
      }
    }
    start(task);
  }
}
