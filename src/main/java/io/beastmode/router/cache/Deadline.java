package io.beastmode.router.cache;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** A call the cache waits for only so long: after that it is a miss, whatever comes later. */
public final class Deadline {
  private Deadline() {}

  /** {@code call}'s outcome, or a failure saying {@code what} once {@code millis} have passed. */
  public static <T> Future<T> within(Vertx vertx, Future<T> call, long millis, String what) {
    if (call.isComplete()) {
      return call;
    }
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(millis, id -> promise.tryFail(what + " within " + millis + " ms"));
    call.onComplete(
        result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded()) {
            promise.tryComplete(result.result());
          } else {
            promise.tryFail(result.cause());
          }
        });
    return promise.future();
  }
}
