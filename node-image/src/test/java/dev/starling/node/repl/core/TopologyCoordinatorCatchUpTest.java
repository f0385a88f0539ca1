package dev.starling.node.repl.core;

import static dev.starling.node.repl.core.TopologyCoordinatorTest.T;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.hb;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.op;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The new primary's catch-up phase, and the catch-up takeover by a fresher secondary. */
class TopologyCoordinatorCatchUpTest {

  private static ReplSetConfig three(long catchUpTimeoutMillis) {
    return ReplSetConfig.builder("rs")
        .member(MemberConfig.of(0, "a:1"))
        .member(MemberConfig.of(1, "b:1"))
        .member(MemberConfig.of(2, "c:1"))
        .catchUpTimeoutMillis(catchUpTimeoutMillis)
        .build();
  }

  /** Node a:1 at {@code last} wins term 1 at time T; member 1 voted (it is not ahead of us). */
  private static TopologyCoordinator elected(ReplSetConfig c, OpTime last) {
    TopologyCoordinator tc = new TopologyCoordinator("a:1", new Random(7));
    tc.restore(DurableState.INITIAL, last, last);
    tc.installConfig(0, c);
    tc.processHeartbeatResponse(T - 100, 1, hb(MemberState.SECONDARY, 0, last), 5);
    tc.processHeartbeatResponse(T - 100, 2, hb(MemberState.SECONDARY, 0, last), 5);
    tc.tick(T);
    tc.processVoteResponse(T, 1, new VoteResponse(0, true, ""));
    ElectionStep won = tc.processVoteResponse(T, 1, new VoteResponse(1, true, ""));
    assertThat(won.outcome()).isEqualTo(ElectionStep.Outcome.WON);
    return tc;
  }

  @Test
  void aNewPrimaryTakesNoWritesUntilAMajorityAnsweredAfterItsElection() {
    TopologyCoordinator tc = elected(three(-1), op(10, 0));
    assertThat(tc.memberState()).isEqualTo(MemberState.PRIMARY);
    assertThat(tc.isCatchingUp()).isTrue();
    assertThat(tc.isWritablePrimary()).isFalse();
    // A reply to a heartbeat sent before the election (ping reaches back past it) does not count.
    tc.processHeartbeatResponse(T + 10, 1, hb(MemberState.SECONDARY, 1, op(10, 0)), 50);
    assertThat(tc.isCatchingUp()).isTrue();
    tc.processHeartbeatResponse(T + 20, 1, hb(MemberState.SECONDARY, 1, op(10, 0)), 5);
    assertThat(tc.isCatchingUp()).as("member 2 has not answered yet").isTrue();
    tc.processHeartbeatFailure(T + 30, 2);
    assertThat(tc.isWritablePrimary()).as("every member answered or failed; none ahead").isTrue();
  }

  @Test
  void aPrimaryBehindAMemberFetchesFromItUntilItHasTheTarget() {
    TopologyCoordinator tc = elected(three(-1), op(10, 0));
    tc.processHeartbeatResponse(T + 20, 2, hb(MemberState.SECONDARY, 1, op(12, 0)), 5);
    tc.processHeartbeatResponse(T + 20, 1, hb(MemberState.SECONDARY, 1, op(10, 0)), 5);
    assertThat(tc.isCatchingUp()).isTrue();
    assertThat(tc.shouldChangeSyncSource(T + 30, -1)).isTrue();
    assertThat(tc.chooseNewSyncSource(T + 30)).as("the member ahead of us").isEqualTo(2);
    tc.setMyLastOpTimes(op(11, 0), op(11, 0));
    assertThat(tc.isCatchingUp()).isTrue();
    tc.setMyLastOpTimes(op(12, 0), op(12, 0));
    assertThat(tc.isWritablePrimary()).isTrue();
    assertThat(tc.chooseNewSyncSource(T + 40))
        .as("a writable primary fetches nothing")
        .isEqualTo(-1);
  }

  @Test
  void catchUpEndsWhenTheTimeoutPasses() {
    TopologyCoordinator tc = elected(three(2_000), op(10, 0));
    tc.processHeartbeatResponse(T + 20, 2, hb(MemberState.SECONDARY, 1, op(12, 0)), 5);
    tc.tick(T + 1_999);
    assertThat(tc.isCatchingUp()).isTrue();
    assertThat(tc.nextWakeupAtMillis(T + 1_999)).isLessThanOrEqualTo(T + 2_000);
    tc.tick(T + 2_000);
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aFresherMemberThatDiesNoLongerHoldsTheNewPrimaryBack() {
    TopologyCoordinator tc = elected(three(-1), op(10, 0));
    tc.processHeartbeatResponse(T + 20, 2, hb(MemberState.SECONDARY, 1, op(12, 0)), 5);
    tc.processHeartbeatResponse(T + 20, 1, hb(MemberState.SECONDARY, 1, op(10, 0)), 5);
    assertThat(tc.isCatchingUp()).isTrue();
    tc.processHeartbeatFailure(T + 100, 2, true);
    tc.tick(T + 100);
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aMemberSilentAtTheElectionIsNotWaitedFor() {
    TopologyCoordinator tc = new TopologyCoordinator("a:1", new Random(7));
    tc.restore(DurableState.INITIAL, op(10, 0), op(10, 0));
    tc.installConfig(0, three(-1));
    // Member 2 (a paused old primary) was last heard 3 heartbeat intervals before the election.
    tc.processHeartbeatResponse(T - 6_000, 2, hb(MemberState.SECONDARY, 0, op(10, 0)), 5);
    tc.processHeartbeatResponse(T - 100, 1, hb(MemberState.SECONDARY, 0, op(10, 0)), 5);
    tc.tick(T);
    tc.processVoteResponse(T, 1, new VoteResponse(0, true, ""));
    tc.processVoteResponse(T, 1, new VoteResponse(1, true, ""));
    assertThat(tc.isCatchingUp()).isTrue();
    tc.processHeartbeatResponse(T + 20, 1, hb(MemberState.SECONDARY, 1, op(10, 0)), 5);
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aMemberThatDoesNotAnswerWithinTwoHeartbeatIntervalsIsNotWaitedFor() {
    TopologyCoordinator tc = elected(three(-1), op(10, 0));
    tc.processHeartbeatResponse(T + 20, 1, hb(MemberState.SECONDARY, 1, op(10, 0)), 5);
    long interval = tc.heartbeatIntervalMillis();
    tc.tick(T + 2 * interval - 1);
    assertThat(tc.isCatchingUp()).isTrue();
    assertThat(tc.nextWakeupAtMillis(T + 2 * interval - 1)).isEqualTo(T + 2 * interval);
    tc.tick(T + 2 * interval);
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aZeroCatchUpTimeoutSkipsThePhase() {
    TopologyCoordinator tc = elected(three(0), op(10, 0));
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aPrimaryThatStepsDownStopsCatchingUp() {
    TopologyCoordinator tc = elected(three(-1), op(10, 0));
    tc.processHeartbeatResponse(T + 20, 1, hb(MemberState.SECONDARY, 2, op(10, 0)), 5);
    assertThat(tc.role()).isEqualTo(TopologyCoordinator.Role.FOLLOWER);
    assertThat(tc.isCatchingUp()).isFalse();
  }

  @Test
  void abortCatchUpMakesThePrimaryWritable() {
    TopologyCoordinator tc = elected(three(-1), op(10, 0));
    assertThat(tc.abortCatchUp()).isTrue();
    assertThat(tc.isWritablePrimary()).isTrue();
    assertThat(tc.abortCatchUp()).as("not catching up any more").isFalse();
  }

  // ---- catch-up takeover, seen from a fresher secondary (a:1) of primary b:1 in term 3

  private static TopologyCoordinator fresherSecondary(ReplSetConfig c) {
    TopologyCoordinator tc = new TopologyCoordinator("a:1", new Random(7));
    tc.restore(new DurableState(3, LastVote.NONE), op(20, 2), op(20, 2));
    tc.installConfig(0, c);
    tc.setFollowerState(0, MemberState.SECONDARY);
    return tc;
  }

  @Test
  void aFresherSecondaryTakesOverFromAPrimaryThatHasNotWrittenInItsTerm() {
    ReplSetConfig c = three(-1);
    TopologyCoordinator tc = fresherSecondary(c);
    tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 3, op(18, 2)), 5);
    HeartbeatResult r = tc.processHeartbeatResponse(T, 1, hb(MemberState.PRIMARY, 3, op(18, 2)), 5);
    assertThat(r.action()).isEqualTo(new Action.CatchupTakeover(T + 30_000));
    assertThat(tc.catchUpTakeoverAtMillis()).isEqualTo(T + 30_000);
    assertThat(tc.nextWakeupAtMillis(T)).isLessThanOrEqualTo(T + 30_000);
    // The primary stays behind (heartbeats keep it alive and our election timer reset).
    tc.processHeartbeatResponse(T + 29_000, 1, hb(MemberState.PRIMARY, 3, op(18, 2)), 5);
    tc.processHeartbeatResponse(T + 29_000, 2, hb(MemberState.SECONDARY, 3, op(18, 2)), 5);
    Action a = tc.tick(T + 30_000);
    assertThat(a).isInstanceOf(Action.StartElection.class);
    assertThat(((Action.StartElection) a).reason()).isEqualTo(StartElectionReason.CATCHUP_TAKEOVER);
  }

  @Test
  void theTakeoverIsCancelledOnceThePrimaryWritesInItsTerm() {
    TopologyCoordinator tc = fresherSecondary(three(-1));
    tc.processHeartbeatResponse(T, 1, hb(MemberState.PRIMARY, 3, op(18, 2)), 5);
    assertThat(tc.catchUpTakeoverAtMillis()).isEqualTo(T + 30_000);
    tc.processHeartbeatResponse(T + 1_000, 1, hb(MemberState.PRIMARY, 3, op(21, 3)), 5);
    assertThat(tc.catchUpTakeoverAtMillis()).isEqualTo(Long.MAX_VALUE);
    tc.processHeartbeatResponse(T + 29_000, 1, hb(MemberState.PRIMARY, 3, op(21, 3)), 5);
    assertThat(tc.tick(T + 30_000)).isNotInstanceOf(Action.StartElection.class);
  }

  @Test
  void noTakeoverWhenAnotherMemberIsFresherOrTakeoversAreOff() {
    TopologyCoordinator tc = fresherSecondary(three(-1));
    tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 3, op(25, 2)), 5);
    tc.processHeartbeatResponse(T, 1, hb(MemberState.PRIMARY, 3, op(18, 2)), 5);
    assertThat(tc.catchUpTakeoverAtMillis()).isEqualTo(Long.MAX_VALUE);

    ReplSetConfig off =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .catchUpTakeoverDelayMillis(-1)
            .build();
    TopologyCoordinator tc2 = fresherSecondary(off);
    tc2.processHeartbeatResponse(T, 1, hb(MemberState.PRIMARY, 3, op(18, 2)), 5);
    assertThat(tc2.catchUpTakeoverAtMillis()).isEqualTo(Long.MAX_VALUE);
  }
}
