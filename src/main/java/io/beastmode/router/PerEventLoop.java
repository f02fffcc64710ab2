package io.beastmode.router;

import io.vertx.core.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One client per event-loop thread, made there on first use, so its connections live on the loop of
 * the requests that use them; a connection on another loop hands every answer across threads.
 * Callers off the event loops share one more.
 */
public final class PerEventLoop<T> {
  private final Supplier<T> factory;
  private final Map<Thread, T> byLoop = new ConcurrentHashMap<>();
  private final T shared;

  public PerEventLoop(Supplier<T> factory) {
    this.factory = factory;
    this.shared = factory.get();
  }

  public T get() {
    if (!Context.isOnEventLoopThread()) {
      return shared;
    }
    return byLoop.computeIfAbsent(Thread.currentThread(), loop -> factory.get());
  }

  public void forEach(Consumer<T> action) {
    action.accept(shared);
    byLoop.values().forEach(action);
  }
}
