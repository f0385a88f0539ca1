package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PeerCallSlotTest {

  @Test
  void cancellingTheAimedMemberInterruptsTheCallInFlight() throws Exception {
    PeerCallSlot slot = new PeerCallSlot();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  slot.aim(2);
                  try {
                    slot.call(
                        () -> {
                          started.countDown();
                          try {
                            new CountDownLatch(1).await(); // a call that would hang forever
                          } catch (InterruptedException e) {
                            throw new IllegalStateException("interrupted", e);
                          }
                          return "answer";
                        });
                    outcome.complete(null);
                  } catch (RuntimeException e) {
                    outcome.complete(e);
                  }
                });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    slot.cancel(1); // another member: no effect
    slot.cancel(2);
    assertThat(outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOf(PeerCallSlot.CancelledException.class);
    caller.join(Duration.ofSeconds(10));
    assertThat(caller.isAlive()).isFalse();
  }

  @Test
  void aCancelledSlotRefusesFurtherCallsUntilAimedAgain() {
    PeerCallSlot slot = new PeerCallSlot();
    slot.aim(3);
    slot.cancel(3);
    assertThatThrownBy(() -> slot.call(() -> "never"))
        .isInstanceOf(PeerCallSlot.CancelledException.class);
    slot.aim(3);
    assertThat(slot.call(() -> "answer")).isEqualTo("answer");
  }

  @Test
  void aFailureOfAnUncancelledCallIsTheCallersOwn() {
    PeerCallSlot slot = new PeerCallSlot();
    slot.aim(1);
    assertThatThrownBy(
            () ->
                slot.call(
                    () -> {
                      throw new IllegalArgumentException("refused");
                    }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noInterruptOutlivesTheCallAndAnIdleSlotIgnoresCancels() throws Exception {
    PeerCallSlot slot = new PeerCallSlot();
    slot.aim(1);
    assertThat(slot.call(() -> "answer")).isEqualTo("answer");
    slot.clear();
    slot.cancel(1);
    assertThat(slot.memberId()).isEqualTo(-1);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    slot.aim(1);
    assertThat(slot.call(() -> "again")).isEqualTo("again");
  }
}
