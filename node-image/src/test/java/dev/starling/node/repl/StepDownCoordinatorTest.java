package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.VoteResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** Step-down, freeze and catch-up abort with a real core and fake peers. */
class StepDownCoordinatorTest {
  private static final ReplSetConfig CONFIG = FakeCoordinator.THREE;

  /** Past any randomized election timeout of the default config. */
  private static final long T = 12_000;

  private final Clock clock =
      Clock.fixed(java.time.Instant.ofEpochMilli(T + 2), java.time.ZoneOffset.UTC);
  private final FakeReplication replication = new FakeReplication();
  private final List<String> stepUpsSent = new CopyOnWriteArrayList<>();
  private final StepDownCoordinator stepDowns =
      new StepDownCoordinator(
          replication,
          "rs0",
          replication,
          (host, db, command, timeout) -> {
            stepUpsSent.add(host + " " + command.getFirstKey());
            return new BsonDocument();
          },
          clock);

  /** Makes the core a:1 the writable primary with b:1 and c:1 caught up, at {@link #T}. */
  private void elected() {
    TopologyCoordinator tc = replication.topology;
    tc.installConfig(0, CONFIG);
    tc.processHeartbeatResponse(
        T, 1, FakeCoordinator.reply(MemberState.SECONDARY, 0, OpTime.NULL), 1);
    tc.processHeartbeatResponse(
        T, 2, FakeCoordinator.reply(MemberState.SECONDARY, 0, OpTime.NULL), 1);
    assertThat(tc.tick(T)).isInstanceOf(Action.StartElection.class); // the dry run
    tc.processVoteResponse(T, 1, new VoteResponse(0, true, ""));
    tc.processVoteResponse(T, 1, new VoteResponse(1, true, ""));
    tc.processHeartbeatResponse(
        T + 1, 1, FakeCoordinator.reply(MemberState.SECONDARY, tc.term(), tc.myLastApplied()), 1);
    tc.processHeartbeatResponse(
        T + 1, 2, FakeCoordinator.reply(MemberState.SECONDARY, tc.term(), tc.myLastApplied()), 1);
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aPrimaryWithCaughtUpSecondariesStepsDownAndHandsTheRoleOver() {
    elected();
    stepDowns.stepDown(60, 10, false);

    assertThat(replication.steppedDown).isEqualTo(1);
    assertThat(replication.topology.isWritablePrimary()).isFalse();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(stepUpsSent).hasSize(1));
    assertThat(stepUpsSent.get(0))
        .endsWith(" replSetStepUp")
        .isIn("b:1 replSetStepUp", "c:1 replSetStepUp");
  }

  @Test
  void theHandoffPassesOverAFrozenSecondaryAndAsksTheOtherOnceItHasCaughtUp() {
    elected();
    TopologyCoordinator tc = replication.topology;
    OpTime newer = OpTime.of(100, 1, tc.term());
    tc.setMyLastOpTimes(newer, newer);
    tc.processHeartbeatResponse(
        T + 2, 1, FakeCoordinator.reply(MemberState.SECONDARY, tc.term(), newer), 1);
    List<String> asked = new CopyOnWriteArrayList<>();
    StepDownCoordinator coordinator =
        new StepDownCoordinator(
            replication,
            "rs0",
            replication,
            (host, db, command, timeout) -> {
              asked.add(host);
              if (host.equals("b:1")) {
                // b:1 stepped down a moment ago and is still frozen.
                throw new com.mongodb.MongoCommandException(
                    new BsonDocument("ok", new org.bson.BsonDouble(0))
                        .append("code", new org.bson.BsonInt32(83))
                        .append("errmsg", new org.bson.BsonString("Node is not electable")),
                    new com.mongodb.ServerAddress("b", 1));
              }
              return new BsonDocument();
            },
            clock);

    coordinator.stepDown(60, 10, false);

    // Only b:1 has everything at the step-down; c:1 is asked only once it has caught up.
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.contains("b:1"));
    assertThat(asked).doesNotContain("c:1");
    synchronized (replication) {
      tc.processHeartbeatResponse(
          T + 3, 2, FakeCoordinator.reply(MemberState.SECONDARY, tc.term(), newer), 1);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.contains("c:1"));
    assertThat(asked).containsExactly("b:1", "c:1");
  }

  @Test
  void stepDownOnANonPrimaryFailsWithNotWritablePrimary() {
    replication.topology.installConfig(clock.millis(), CONFIG);
    assertThatThrownBy(() -> stepDowns.stepDown(60, 0, false))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_WRITABLE_PRIMARY));
    assertThat(replication.steppedDown).isZero();
  }

  @Test
  void freezeAndCatchUpAbortNeedAConfig() {
    assertThatThrownBy(() -> stepDowns.freeze(10))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_YET_INITIALIZED));
    replication.topology.installConfig(clock.millis(), CONFIG);
    stepDowns.freeze(10);
    assertThat(replication.topology.frozenUntilMillis()).isGreaterThan(clock.millis());
    assertThatThrownBy(stepDowns::abortPrimaryCatchUp)
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.ILLEGAL_OPERATION));
  }

  /** The coordinator's side around a real core. */
  private static final class FakeReplication extends FakeCoordinator
      implements StepDownCoordinator.Replication {
    int steppedDown;

    @Override
    public long term() {
      return topology.term();
    }

    @Override
    public void steppedDown() {
      steppedDown++;
    }

    @Override
    public void handle(Action action) {}

    @Override
    public String hostOf(int memberId) {
      return CONFIG.findMemberById(memberId).map(MemberConfig::host).orElse(null);
    }
  }
}
