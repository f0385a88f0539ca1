package dev.starling.node.repl.core;

import static dev.starling.node.repl.core.TopologyCoordinatorTest.hb;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.node;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.op;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.primary;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.three;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the core adds for a real network: prompt elections after a dead primary, liveness from
 * heartbeat requests, the heartbeat interval cap, handoff candidates, w:N counting and the data
 * states the I/O layer sets.
 */
class TopologyCoordinatorFailureDetectionTest {
  private static final long NOW = 1_000;

  /** Node a:1 following primary b:1 (id 1) in term 1, with c:1 (id 2) a secondary at {@code c}. */
  private static TopologyCoordinator follower(OpTime mine, OpTime c) {
    TopologyCoordinator tc = node(three());
    tc.restore(new DurableState(1, LastVote.NONE), mine, mine);
    tc.processHeartbeatResponse(NOW, 1, hb(MemberState.PRIMARY, 1, mine), 1);
    tc.processHeartbeatResponse(NOW, 2, hb(MemberState.SECONDARY, 1, c), 1);
    return tc;
  }

  @Test
  void aRefusedConnectionToThePrimaryBringsTheElectionForward() {
    TopologyCoordinator tc = follower(op(10, 1), op(10, 1));
    assertThat(tc.primaryId()).isEqualTo(1);
    long before = tc.electionTimeoutAtMillis();
    assertThat(before).isGreaterThan(NOW + 10_000);

    tc.processHeartbeatFailure(NOW + 5, 1, true);
    assertThat(tc.primaryId()).isEqualTo(-1);
    assertThat(tc.memberStatuses(NOW + 5).get(1).state()).isEqualTo(MemberState.DOWN);
    // Rank 0 (a:1 and c:1 are equally fresh, a:1 has the lower _id): within the random spread.
    assertThat(tc.electionTimeoutAtMillis())
        .isBetween(NOW + 5, NOW + 5 + TopologyCoordinator.PROMPT_ELECTION_SPREAD_MILLIS);
    assertThat(tc.tick(tc.electionTimeoutAtMillis())).isInstanceOf(Action.StartElection.class);
  }

  @Test
  void aFresherSecondaryGoesFirstAfterADeadPrimary() {
    TopologyCoordinator tc = follower(op(10, 1), op(11, 1));
    tc.processHeartbeatFailure(NOW + 5, 1, true);
    assertThat(tc.electionTimeoutAtMillis())
        .isGreaterThanOrEqualTo(NOW + 5 + TopologyCoordinator.PROMPT_ELECTION_RANK_MILLIS);
  }

  @Test
  void aFailedButNotRefusedHeartbeatWaitsForTheElectionTimeout() {
    TopologyCoordinator tc = follower(op(10, 1), op(10, 1));
    long before = tc.electionTimeoutAtMillis();
    tc.processHeartbeatFailure(NOW + 5, 1, false);
    assertThat(tc.primaryId()).isEqualTo(1);
    assertThat(tc.electionTimeoutAtMillis()).isEqualTo(before);
  }

  @Test
  void aHeartbeatFromANewPrimaryIsAnsweredWithAnImmediateHeartbeat() {
    TopologyCoordinator tc = follower(op(10, 1), op(10, 1));
    // The known primary, a secondary, and a newly elected member: only news is worth asking for.
    assertThat(tc.shouldHeartbeatSenderNow(new HeartbeatRequest("rs", 1, 1, 1, -1, true)))
        .isFalse();
    assertThat(tc.shouldHeartbeatSenderNow(new HeartbeatRequest("rs", 2, 1, 1, -1, false)))
        .isFalse();
    assertThat(tc.shouldHeartbeatSenderNow(new HeartbeatRequest("rs", 2, 1, 1, -1, true))).isTrue();
    assertThat(tc.shouldHeartbeatSenderNow(new HeartbeatRequest("rs", 2, 2, 1, -1, false)))
        .isTrue();
    // A stale claim from an older term is not news.
    tc.processHeartbeatResponse(NOW + 10, 1, hb(MemberState.PRIMARY, 3, op(10, 1)), 1);
    assertThat(tc.shouldHeartbeatSenderNow(new HeartbeatRequest("rs", 2, 2, 1, -1, true)))
        .isFalse();
  }

  @Test
  void heartbeatRequestsKeepAPrimaryAlive() {
    TopologyCoordinator tc = primary(three(), TopologyCoordinatorTest.T);
    long t = TopologyCoordinatorTest.T;
    long timeout = three().electionTimeoutMillis();
    // Only requests arrive (our replies to them are lost): the primary still sees a majority.
    for (long now = t + 1_000; now < t + 3 * timeout; now += 1_000) {
      tc.processHeartbeatRequest(now, new HeartbeatRequest("rs", 1, 1, 1, -1));
      assertThat(tc.tick(now)).isNotInstanceOf(Action.StepDownSelf.class);
    }
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void heartbeatsGoAtLeastTwicePerElectionTimeout() {
    TopologyCoordinator tc =
        node(
            ReplSetConfig.builder("rs")
                .member(MemberConfig.of(0, "a:1"))
                .member(MemberConfig.of(1, "b:1"))
                .electionTimeoutMillis(1_000)
                .heartbeatIntervalMillis(2_000)
                .build());
    assertThat(tc.heartbeatIntervalMillis()).isEqualTo(500);
    assertThat(node(three()).heartbeatIntervalMillis()).isEqualTo(2_000);
  }

  @Test
  void handoffCandidatesAreCaughtUpElectableSecondaries() {
    TopologyCoordinator tc = primary(three(), TopologyCoordinatorTest.T);
    long t = TopologyCoordinatorTest.T + 10;
    tc.setMyLastOpTimes(op(20, 1), op(20, 1));
    tc.processHeartbeatResponse(t, 1, hb(MemberState.SECONDARY, 1, op(19, 1)), 1);
    tc.processHeartbeatResponse(t, 2, hb(MemberState.SECONDARY, 1, op(20, 1)), 1);
    assertThat(tc.handoffCandidates()).containsExactly(2);
    tc.processHeartbeatResponse(t, 1, hb(MemberState.SECONDARY, 1, op(20, 1)), 1);
    assertThat(tc.handoffCandidates()).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void membersAtCountsDataBearingMembersThatHaveTheOpTime() {
    TopologyCoordinator tc = primary(three(), TopologyCoordinatorTest.T);
    long t = TopologyCoordinatorTest.T + 10;
    tc.setMyLastOpTimes(op(20, 1), op(20, 1));
    tc.processHeartbeatResponse(t, 1, hb(MemberState.SECONDARY, 1, op(20, 1)), 1);
    tc.processHeartbeatResponse(t, 2, hb(MemberState.SECONDARY, 1, op(15, 1)), 1);
    assertThat(tc.membersAt(op(20, 1), false)).isEqualTo(2);
    assertThat(tc.membersAt(op(15, 1), false)).isEqualTo(3);
    assertThat(tc.membersAt(op(21, 1), false)).isEqualTo(0);
  }

  @Test
  void onlyASecondaryStandsForElection() {
    TopologyCoordinator tc = follower(op(10, 1), op(10, 1));
    for (MemberState s :
        List.of(MemberState.STARTUP2, MemberState.RECOVERING, MemberState.ROLLBACK)) {
      tc.setFollowerState(NOW, s);
      assertThat(tc.memberState()).isEqualTo(s);
      assertThat(tc.canElect(NOW + 60_000)).as(s.name()).isFalse();
    }
    tc.setFollowerState(NOW, MemberState.SECONDARY);
    assertThat(tc.canElect(NOW + 60_000)).isTrue();
  }

  @Test
  void aRelayedPositionThatDoesNotMoveAMemberForwardDoesNotKeepItAlive() {
    TopologyCoordinator tc = primary(three(), TopologyCoordinatorTest.T);
    long t = TopologyCoordinatorTest.T;
    tc.processPositionReport(t + 500, 2, 1, op(5, 1), op(5, 1));
    // Member 2 died; member 1 keeps relaying the last position it had from it, every second.
    for (long now = t + 1_000; now <= t + 12_000; now += 1_000) {
      tc.processHeartbeatRequest(now, new HeartbeatRequest("rs", 1, 1, 1, -1));
      tc.processPositionReport(now, 2, 1, op(5, 1), op(5, 1));
      tc.tick(now);
    }
    MemberStatus two =
        tc.memberStatuses(t + 12_000).stream().filter(m -> m.id() == 2).findFirst().orElseThrow();
    assertThat(two.health()).isZero();
    assertThat(two.state()).isEqualTo(MemberState.DOWN);
  }
}
