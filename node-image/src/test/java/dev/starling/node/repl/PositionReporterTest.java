package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.OpTime;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PositionReporterTest {
  private static final PositionReporter.Upstream NOWHERE =
      new PositionReporter.Upstream() {
        @Override
        public boolean closed() {
          return false;
        }

        @Override
        public PositionReporter.Report next(java.util.function.IntConsumer aim) {
          return null;
        }
      };

  private static ReplMessages.Position at(int member, int seconds) {
    OpTime t = OpTime.of(seconds, 1, 1);
    return new ReplMessages.Position(member, 1, t, t);
  }

  @Test
  void reportsItsOwnPositionFirstThenTheLatestOneRelayedPerMember() {
    PositionReporter reporter = new PositionReporter(NOWHERE, null, Clock.systemUTC());
    reporter.relay(at(2, 5));
    reporter.relay(at(3, 6));
    reporter.relay(at(2, 7));

    assertThat(reporter.positions(at(0, 9)))
        .containsExactlyInAnyOrder(at(0, 9), at(2, 7), at(3, 6))
        .first()
        .isEqualTo(at(0, 9));
  }

  @Test
  void aChangeEndsTheWaitOnceAndOnlyOnce() throws Exception {
    PositionReporter reporter = new PositionReporter(NOWHERE, null, Clock.systemUTC());
    assertThat(reporter.awaitChange(20)).isFalse();

    reporter.changed();
    assertThat(reporter.awaitChange(10_000)).isTrue();
    assertThat(reporter.awaitChange(20)).as("the change was consumed").isFalse();

    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return reporter.awaitChange(30_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    reporter.changed();
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
