package dev.starling.node.repl.core;

import static dev.starling.node.repl.core.TopologyCoordinatorTest.T;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.hb;
import static dev.starling.node.repl.core.TopologyCoordinatorTest.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tag-mode write concerns, replSetSyncFrom, non-voters and arbiters in the pure core. */
class TopologyCoordinatorMemberSemanticsTest {

  private static MemberConfig tagged(int id, String host, String dc) {
    return new MemberConfig(id, host, 1, 1, false, 0, false, true, Map.of("dc", dc));
  }

  private static TopologyCoordinator node(String self, ReplSetConfig c) {
    TopologyCoordinator tc = new TopologyCoordinator(self, new Random(3));
    tc.installConfig(0, c);
    return tc;
  }

  private static void assertCode(Runnable r, int code, String messagePart) {
    assertThatThrownBy(r::run)
        .isInstanceOf(MongoServerException.class)
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  @Test
  void aTagModeIsSatisfiedOnceMembersInEnoughDataCentersHaveTheOp() {
    ReplSetConfig c =
        ReplSetConfig.builder("rs")
            .member(tagged(0, "a:1", "west"))
            .member(tagged(1, "b:1", "west"))
            .member(tagged(2, "c:1", "east"))
            .writeConcernMode("twoDCs", Map.of("dc", 2))
            .build();
    TopologyCoordinator tc = node("a:1", c);
    WriteConcernMode twoDCs = c.writeConcernMode("twoDCs").orElseThrow();
    OpTime write = op(100, 1);
    tc.setMyLastOpTimes(write, write);
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 1, write), 1);
    tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 1, op(90, 1)), 1);
    assertThat(tc.membersAt(write, false)).isEqualTo(2);
    assertThat(tc.modeSatisfied(write, false, twoDCs)).as("both west only").isFalse();
    tc.processPositionReport(T, 2, 1, write, op(90, 1));
    assertThat(tc.modeSatisfied(write, false, twoDCs)).isTrue();
    assertThat(tc.modeSatisfied(write, true, twoDCs)).as("east has it, not durably").isFalse();
  }

  private static ReplSetConfig withArbiterAndNonVoter() {
    return ReplSetConfig.builder("rs")
        .member(MemberConfig.of(0, "a:1"))
        .member(MemberConfig.of(1, "b:1"))
        .member(new MemberConfig(2, "c:1", 0, 1, false, 0, true, true, Map.of()))
        .member(MemberConfig.of(3, "d:1").withPriority(0).withVotes(0))
        .build();
  }

  @Test
  void syncFromIsRefusedAsMongodRefusesIt() {
    TopologyCoordinator b = node("b:1", withArbiterAndNonVoter());
    b.processHeartbeatResponse(T, 0, hb(MemberState.PRIMARY, 0, op(10, 0)), 1);
    assertCode(() -> b.requestSyncSource(T, "b:1"), 72, "I cannot sync from myself");
    assertCode(() -> b.requestSyncSource(T, "x:1"), 74, "Could not find member \"x:1\"");
    assertCode(() -> b.requestSyncSource(T, "c:1"), 72, "because it is an arbiter");
    assertCode(() -> b.requestSyncSource(T, "d:1"), 72, "because it is not a voter");
    b.processHeartbeatFailure(T, 0, true);
    assertCode(() -> b.requestSyncSource(T, "a:1"), 6, "I cannot reach the requested member");

    TopologyCoordinator arbiter = node("c:1", withArbiterAndNonVoter());
    assertThat(arbiter.memberState()).isEqualTo(MemberState.ARBITER);
    assertCode(() -> arbiter.requestSyncSource(T, "a:1"), 136, "arbiters don't sync");
  }

  @Test
  void aRequestedSyncSourceIsTakenOnceThenTheUsualRulesApply() {
    TopologyCoordinator d = node("d:1", withArbiterAndNonVoter());
    d.processHeartbeatResponse(T, 0, hb(MemberState.PRIMARY, 0, op(10, 0)), 1);
    d.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 0, op(10, 0)), 50);
    assertThat(d.chooseNewSyncSource(T)).isEqualTo(0);

    TopologyCoordinator.SyncFromResult r = d.requestSyncSource(T, "b:1");
    assertThat(r.targetId()).isEqualTo(1);
    assertThat(r.previousSourceId()).isEqualTo(0);
    assertThat(r.targetBehind()).isFalse();
    assertThat(d.shouldChangeSyncSource(T, 0)).as("the fetcher leaves its source").isTrue();
    assertThat(d.chooseNewSyncSource(T)).isEqualTo(1);
    assertThat(d.shouldChangeSyncSource(T, 1)).isFalse();
    // Used once: the next choice is by the usual rules (the closer primary).
    assertThat(d.chooseNewSyncSource(T)).isEqualTo(0);
  }

  @Test
  void aSyncSourceMoreThanTenSecondsBehindIsTakenWithAWarning() {
    TopologyCoordinator d = node("d:1", withArbiterAndNonVoter());
    d.setMyLastOpTimes(op(100, 0), op(100, 0));
    d.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 0, op(80, 0)), 1);
    assertThat(d.requestSyncSource(T, "b:1").targetBehind()).isTrue();
  }

  @Test
  void aPrimaryDoesNotSyncFrom() {
    ReplSetConfig c =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .build();
    TopologyCoordinator p = TopologyCoordinatorTest.primary(c, T);
    assertCode(() -> p.requestSyncSource(T, "b:1"), 136, "primaries don't sync");
  }

  @Test
  void aCandidateAsksOnlyVotersAndANonVoterCannotStand() {
    TopologyCoordinator a = node("a:1", withArbiterAndNonVoter());
    Action start = a.tick(T);
    ElectionStep dry = ((Action.StartElection) start).step();
    assertThat(dry.targets()).containsExactlyInAnyOrder(1, 2);

    TopologyCoordinator nonVoter = node("d:1", withArbiterAndNonVoter());
    assertThat(nonVoter.electionTimeoutAtMillis()).isEqualTo(Long.MAX_VALUE);
    assertThat(nonVoter.tick(T)).isEqualTo(Action.NONE);
    assertThat(nonVoter.canElect(T)).isFalse();
  }

  @Test
  void theWriteMajorityIgnoresArbitersAndNonVoters() {
    ReplSetConfig c = withArbiterAndNonVoter();
    assertThat(c.votingMemberCount()).isEqualTo(3);
    assertThat(c.majorityVoteCount()).isEqualTo(2);
    assertThat(c.writeMajority()).isEqualTo(2);
  }
}
