package dev.starling.node.repl.core;

import static dev.starling.node.repl.core.TopologyCoordinatorTest.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import org.junit.jupiter.api.Test;

/** Config commitment, newlyAdded members and the decision to clear their mark. */
class TopologyCoordinatorReconfigTest {

  private static HeartbeatResponse hb(
      MemberState s, long term, OpTime applied, ReplSetConfig config) {
    return new HeartbeatResponse(
        "rs", s, term, config.version(), config.term(), applied, applied, OpTime.NULL, -1, -1, 0);
  }

  /** a:1 primary of {a, b, c} in term 1, with an entry of term 1 committed. */
  private static TopologyCoordinator committedPrimary(ReplSetConfig c) {
    TopologyCoordinator tc = TopologyCoordinatorTest.primary(c, T);
    OpTime op = OpTime.of(20, 1, 1);
    tc.setMyLastOpTimes(op, op);
    tc.processPositionReport(T, 1, 1, op, op);
    return tc;
  }

  @Test
  void aConfigIsCommittedOnceAMajorityOfVotersReportItAndTheTermHasACommittedEntry() {
    ReplSetConfig c = TopologyCoordinatorTest.three().withTerm(1);
    TopologyCoordinator tc = TopologyCoordinatorTest.primary(c, T);
    assertThat(tc.isConfigReplicatedToMajority())
        .as("no member reported version 1, term 1")
        .isFalse();
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 1, OpTime.NULL, c), 1);
    assertThat(tc.isConfigReplicatedToMajority()).isTrue();
    assertThat(tc.isOplogCommittedInTerm()).isFalse();
    assertThatThrownBy(() -> ReconfigRules.requireCommitted(c, tc))
        .isInstanceOf(MongoServerException.class)
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(308));
    OpTime op = OpTime.of(20, 1, 1);
    tc.setMyLastOpTimes(op, op);
    tc.processPositionReport(T, 1, 1, op, op);
    assertThat(tc.isConfigCommitted()).isTrue();
    ReconfigRules.requireCommitted(c, tc);
  }

  @Test
  void aHeartbeatRequestAlsoTellsTheMembersConfig() {
    ReplSetConfig c = TopologyCoordinatorTest.three().withTerm(1);
    TopologyCoordinator tc = committedPrimary(c);
    ReplSetConfig next = c.withNewlyAddedCleared(99).withTerm(1); // version 2
    tc.installConfig(T, next);
    assertThat(tc.isConfigReplicatedToMajority()).isFalse();
    assertThatThrownBy(() -> ReconfigRules.requireCommitted(next, tc))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(308))
        .hasMessageContaining("not yet majority committed");
    tc.processHeartbeatRequest(T, new HeartbeatRequest("rs", 2, 1, 2, 1));
    assertThat(tc.isConfigReplicatedToMajority()).isTrue();
  }

  @Test
  void aNewlyAddedMemberNeitherVotesNorCountsAndIsClearedOnceSecondary() {
    ReplSetConfig two =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .build()
            .withTerm(1);
    TopologyCoordinator tc = TopologyCoordinatorTest.primary(two, T);
    OpTime op = OpTime.of(20, 1, 1);
    tc.setMyLastOpTimes(op, op);
    tc.processPositionReport(T, 1, 1, op, op);
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 1, op, two), 1);
    assertThat(tc.isConfigCommitted()).isTrue();

    ReplSetConfig three =
        ReplSetConfig.builder("rs")
            .version(2)
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .build()
            .withNewlyAddedMarks(two)
            .withTerm(1);
    tc.installConfig(T, three);
    assertThat(three.votingMemberCount()).isEqualTo(2);
    // The new member's position does not count for the commit point.
    OpTime later = OpTime.of(30, 1, 1);
    tc.setMyLastOpTimes(later, later);
    tc.processPositionReport(T, 2, 1, later, later);
    assertThat(tc.commitPoint()).isEqualTo(op);
    // In initial sync: not yet.
    HeartbeatResult r =
        tc.processHeartbeatResponse(T, 2, hb(MemberState.STARTUP2, 1, OpTime.NULL, three), 1);
    assertThat(r.action()).isEqualTo(Action.NONE);
    // The config must be committed first: member 1 still reports version 1.
    r = tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 1, later, three), 1);
    assertThat(r.action()).isEqualTo(Action.NONE);
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 1, later, three), 1);
    tc.processPositionReport(T, 1, 1, later, later);
    r = tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 1, later, three), 1);
    assertThat(r.action()).isEqualTo(new Action.ClearNewlyAdded(2));

    tc.installConfig(T, three.withNewlyAddedCleared(2).withTerm(1));
    r = tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 1, later, three), 1);
    assertThat(r.action()).isEqualTo(Action.NONE);
  }

  @Test
  void aNewlyAddedMemberDoesNotStandForElection() {
    ReplSetConfig c =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1").withNewlyAdded(true))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .build();
    TopologyCoordinator tc = TopologyCoordinatorTest.node(c);
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 0, OpTime.NULL, c), 1);
    assertThat(tc.canElect(T)).isFalse();
    assertThat(tc.tick(T)).isEqualTo(Action.NONE);
    assertThat(tc.electionTimeoutAtMillis()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aMemberRemovedAndAddedAgainUnderAnotherNameLeavesRemoved() {
    // c:1 restarted after its removal: the config it kept lists only a and b, and the config that
    // adds it back names it by its DNS name, which the caller found to be this node.
    TopologyCoordinator tc = new TopologyCoordinator("c:1", new java.util.Random(7));
    ReplSetConfig two =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .build();
    tc.installConfig(0, two);
    assertThat(tc.memberState()).isEqualTo(MemberState.REMOVED);
    ReplSetConfig back =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(3, "c.rs-hs.ns.svc.cluster.local:1"))
            .build();
    tc.installConfig(T, back, "c.rs-hs.ns.svc.cluster.local:1");
    assertThat(tc.selfId()).isEqualTo(3);
    assertThat(tc.memberState()).isEqualTo(MemberState.SECONDARY);
  }
}
