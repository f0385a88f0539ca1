package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.OpTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitPointWaitersTest {
  private static OpTime op(int seconds, int inc) {
    return OpTime.of(seconds, inc, 1);
  }

  @Test
  void anAdvanceWakesOnlyTheWaitersItReached() {
    CommitPointWaiters waiters = new CommitPointWaiters();
    CommitPointWaiters.Waiter early = waiters.register(op(10, 1));
    CommitPointWaiters.Waiter exact = waiters.register(op(10, 2));
    CommitPointWaiters.Waiter late = waiters.register(op(10, 3));

    waiters.advance(op(10, 2));

    assertThat(early.woken()).isTrue();
    assertThat(exact.woken()).isTrue();
    assertThat(late.woken()).isFalse();
    assertThat(waiters.size()).isEqualTo(1);
  }

  @Test
  void aStateChangeWakesEveryone() {
    CommitPointWaiters waiters = new CommitPointWaiters();
    CommitPointWaiters.Waiter a = waiters.register(op(10, 1));
    CommitPointWaiters.Waiter b = waiters.register(op(20, 1));
    waiters.wakeAll();
    assertThat(a.woken()).isTrue();
    assertThat(b.woken()).isTrue();
    assertThat(waiters.size()).isZero();
  }

  @Test
  void aRemovedWaiterIsForgottenAndTwoWaitersMayShareATarget() {
    CommitPointWaiters waiters = new CommitPointWaiters();
    CommitPointWaiters.Waiter a = waiters.register(op(10, 1));
    CommitPointWaiters.Waiter b = waiters.register(op(10, 1));
    waiters.remove(a);
    assertThat(waiters.size()).isEqualTo(1);
    waiters.advance(op(10, 1));
    assertThat(a.woken()).isFalse();
    assertThat(b.woken()).isTrue();
  }

  @Test
  void aBlockedWaiterReturnsWhenReachedAndAWokenOneDoesNotBlock() throws Exception {
    CommitPointWaiters waiters = new CommitPointWaiters();
    CommitPointWaiters.Waiter waiter = waiters.register(op(10, 1));
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(
            () -> {
              try {
                waiter.await(Duration.ofMinutes(1).toMillis());
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    waiters.advance(op(11, 1));
    done.get(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    waiter.await(Duration.ofMinutes(1).toMillis());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
