package io.beastmode.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Calls to one member cluster, a few at a time, the rest in order. */
class LimitedExecutorTest {
  @Test
  void atMostTheLimitRunAtOnceAndTheRestRunAsTurnsFree() throws Exception {
    var threads = Executors.newCachedThreadPool();
    try {
      var region = new LimitedExecutor(threads, 2);
      var release = new CountDownLatch(1);
      var hanging = new CountDownLatch(2);
      var running = new AtomicInteger();
      var mostAtOnce = new AtomicInteger();
      List<Integer> finished = new CopyOnWriteArrayList<>();
      var done = new CountDownLatch(6);
      for (int i = 0; i < 6; i++) {
        int call = i;
        region.execute(
            () -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                if (call < 2) {
                  hanging.countDown();
                  release.await(); // a hung member: holds its turn
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                running.decrementAndGet();
                finished.add(call);
                done.countDown();
              }
            });
      }
      assertThat(hanging.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(region.waiting()).as("calls waiting behind the two that hang").isEqualTo(4);
      release.countDown();
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(mostAtOnce.get()).isEqualTo(2);
      assertThat(finished).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
      assertThat(region.waiting()).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void waitingCallsTakeTheirTurnsInTheOrderTheyCame() throws Exception {
    var threads = Executors.newCachedThreadPool();
    try {
      var region = new LimitedExecutor(threads, 1);
      List<Integer> order = new CopyOnWriteArrayList<>();
      var done = new CountDownLatch(5);
      for (int i = 0; i < 5; i++) {
        int call = i;
        region.execute(
            () -> {
              order.add(call);
              done.countDown();
            });
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(order).containsExactly(0, 1, 2, 3, 4);
    } finally {
      threads.shutdownNow();
    }
  }
}
