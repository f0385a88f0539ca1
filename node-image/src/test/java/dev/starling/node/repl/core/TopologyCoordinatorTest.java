package dev.starling.node.repl.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopologyCoordinatorTest {
  static final long T = 12_000; // past any randomized election timeout of the default config

  static ReplSetConfig three() {
    return ReplSetConfig.builder("rs")
        .member(MemberConfig.of(0, "a:1"))
        .member(MemberConfig.of(1, "b:1"))
        .member(MemberConfig.of(2, "c:1"))
        .build();
  }

  static TopologyCoordinator node(ReplSetConfig c) {
    TopologyCoordinator tc = new TopologyCoordinator("a:1", new Random(7));
    tc.installConfig(0, c);
    return tc;
  }

  static OpTime op(int secs, long term) {
    return OpTime.of(secs, 1, term);
  }

  static HeartbeatResponse hb(MemberState s, long term, OpTime applied) {
    return new HeartbeatResponse("rs", s, term, 1, -1, applied, applied, OpTime.NULL, -1, -1, 0);
  }

  static VoteRequest vote(boolean dry, long term, int candidate, OpTime last) {
    return new VoteRequest("rs", dry, term, candidate, 1, -1, last);
  }

  /** Elects node a:1 primary: election timeout, dry run won, real election won. */
  static TopologyCoordinator primary(ReplSetConfig c, long now) {
    TopologyCoordinator tc = node(c);
    for (MemberConfig m : c.members()) {
      if (m.id() != 0) {
        tc.processHeartbeatResponse(now, m.id(), hb(MemberState.SECONDARY, 0, OpTime.NULL), 5);
      }
    }
    Action a = tc.tick(now);
    assertThat(a).isInstanceOf(Action.StartElection.class);
    ElectionStep dry = ((Action.StartElection) a).step();
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.persist()).as("a dry run persists nothing").isNull();
    ElectionStep real = tc.processVoteResponse(now, 1, new VoteResponse(0, true, ""));
    assertThat(real.outcome()).isEqualTo(ElectionStep.Outcome.SEND_REQUESTS);
    assertThat(real.dryRun()).isFalse();
    assertThat(real.persist()).isEqualTo(new DurableState(1, new LastVote(1, 0)));
    ElectionStep won = tc.processVoteResponse(now, 1, new VoteResponse(1, true, ""));
    assertThat(won.outcome()).isEqualTo(ElectionStep.Outcome.WON);
    assertThat(tc.memberState()).isEqualTo(MemberState.PRIMARY);
    finishCatchUp(tc, now, c);
    return tc;
  }

  /**
   * The heartbeat round a new primary sends after its election: every other member answers as a
   * SECONDARY of the new term holding nothing newer, so the catch-up phase (if any: members silent
   * at the election are not waited for) ends.
   */
  static void finishCatchUp(TopologyCoordinator tc, long now, ReplSetConfig c) {
    for (MemberConfig m : c.members()) {
      if (m.id() != tc.selfId()) {
        tc.processHeartbeatResponse(
            now + 1, m.id(), hb(MemberState.SECONDARY, tc.term(), tc.myLastApplied()), 1);
      }
    }
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  // ---- elections and votes

  @Test
  void electionTimeoutIsTheConfiguredTimeoutPlusUpToFifteenPercent() {
    for (int seed = 0; seed < 50; seed++) {
      TopologyCoordinator tc = new TopologyCoordinator("a:1", new Random(seed));
      tc.installConfig(1000, three());
      assertThat(tc.electionTimeoutAtMillis()).isBetween(11_000L, 12_500L);
    }
  }

  @Test
  void aNodeElectsItselfAfterADryRunAndARealElectionWithAMajority() {
    TopologyCoordinator tc = primary(three(), T);
    assertThat(tc.term()).isEqualTo(1);
    assertThat(tc.lastVote()).isEqualTo(new LastVote(1, 0));
    assertThat(tc.isWritablePrimary()).isTrue();
  }

  @Test
  void aSingleNodeSetElectsItselfAtOnce() {
    ReplSetConfig one = ReplSetConfig.builder("rs").member(MemberConfig.of(0, "a:1")).build();
    TopologyCoordinator tc = node(one);
    Action a = tc.tick(0);
    assertThat(((Action.StartElection) a).step().outcome()).isEqualTo(ElectionStep.Outcome.WON);
  }

  @Test
  void aCandidateLosesWhenEveryVoterRefuses() {
    TopologyCoordinator tc = node(three());
    tc.tick(T);
    tc.processVoteResponse(T, 1, new VoteResponse(0, false, "no"));
    ElectionStep s = tc.processVoteResponse(T, 2, new VoteResponse(0, false, "no"));
    assertThat(s.outcome()).isEqualTo(ElectionStep.Outcome.LOST);
    assertThat(tc.term()).isZero();
    assertThat(tc.role()).isEqualTo(TopologyCoordinator.Role.FOLLOWER);
  }

  @Test
  void votesFromNonVotingMembersDoNotCount() {
    ReplSetConfig c =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .member(MemberConfig.of(3, "d:1").withPriority(0).withVotes(0))
            .build();
    TopologyCoordinator tc = node(c);
    tc.tick(T);
    ElectionStep s = tc.processVoteResponse(T, 3, new VoteResponse(0, true, ""));
    assertThat(s.outcome()).isEqualTo(ElectionStep.Outcome.IGNORED);
    assertThat(tc.term()).isZero();
  }

  @Test
  void aNodeVotesAtMostOncePerTerm() {
    TopologyCoordinator tc = node(three());
    VoteResult first = tc.processVoteRequest(0, vote(false, 1, 1, OpTime.NULL));
    assertThat(first.response().voteGranted()).isTrue();
    assertThat(first.persist()).isEqualTo(new DurableState(1, new LastVote(1, 1)));
    VoteResult second = tc.processVoteRequest(0, vote(false, 1, 2, OpTime.NULL));
    assertThat(second.response().voteGranted()).isFalse();
    assertThat(second.response().reason()).contains("already voted");
    assertThat(second.persist()).isNull();
  }

  @Test
  void dryRunVotesChangeNeitherTermNorLastVote() {
    TopologyCoordinator tc = node(three());
    VoteResult r = tc.processVoteRequest(0, vote(true, 4, 1, OpTime.NULL));
    assertThat(r.response().voteGranted()).isTrue();
    assertThat(r.persist()).isNull();
    assertThat(tc.term()).isZero();
    assertThat(tc.lastVote()).isEqualTo(LastVote.NONE);
  }

  @Test
  void noVoteForACandidateWhoseDataIsStaler() {
    TopologyCoordinator tc = node(three());
    tc.setMyLastOpTimes(op(10, 0), op(10, 0));
    VoteResult r = tc.processVoteRequest(0, vote(false, 1, 1, op(9, 0)));
    assertThat(r.response().voteGranted()).isFalse();
    assertThat(r.response().reason()).contains("staler");
    assertThat(tc.term()).as("the term is still adopted").isEqualTo(1);
    assertThat(r.persist()).isEqualTo(new DurableState(1, LastVote.NONE));
  }

  @Test
  void noVoteForALowerTermOrAnOlderConfig() {
    TopologyCoordinator tc = node(three());
    tc.processVoteRequest(0, vote(false, 3, 1, OpTime.NULL));
    assertThat(tc.processVoteRequest(0, vote(false, 2, 2, OpTime.NULL)).response().reason())
        .contains("lower than mine");
    VoteRequest oldConfig = new VoteRequest("rs", false, 4, 2, 0, -1, OpTime.NULL);
    assertThat(tc.processVoteRequest(0, oldConfig).response().reason()).contains("older");
  }

  @Test
  void aPrimaryStepsDownWhenItSeesAHigherTerm() {
    TopologyCoordinator tc = primary(three(), T);
    VoteResult r = tc.processVoteRequest(T + 1, vote(false, 2, 1, OpTime.NULL));
    assertThat(r.action()).isInstanceOf(Action.StepDownSelf.class);
    assertThat(tc.memberState()).isEqualTo(MemberState.SECONDARY);
    assertThat(tc.term()).isEqualTo(2);

    TopologyCoordinator tc2 = primary(three(), T);
    HeartbeatResult h =
        tc2.processHeartbeatResponse(T + 1, 1, hb(MemberState.SECONDARY, 5, OpTime.NULL), 1);
    assertThat(h.action()).isInstanceOf(Action.StepDownSelf.class);
    assertThat(h.persist()).isEqualTo(new DurableState(5, new LastVote(1, 0)));
  }

  @Test
  void aPrimaryThatCannotSeeAMajorityForAnElectionTimeoutStepsDown() {
    TopologyCoordinator tc = primary(three(), T);
    assertThat(tc.tick(T + 9_000)).isInstanceOf(Action.NoAction.class);
    tc.processHeartbeatResponse(T + 9_000, 1, hb(MemberState.SECONDARY, 1, OpTime.NULL), 1);
    assertThat(tc.tick(T + 15_000)).isInstanceOf(Action.NoAction.class);
    assertThat(tc.tick(T + 19_000)).isInstanceOf(Action.StepDownSelf.class);
    assertThat(tc.isWritablePrimary()).isFalse();
  }

  /** Three members; this node (a:1, id 0) has priority 2, the others 1. */
  private static ReplSetConfig selfHasPriorityTwo() {
    return ReplSetConfig.builder("rs")
        .member(MemberConfig.of(0, "a:1").withPriority(2))
        .member(MemberConfig.of(1, "b:1"))
        .member(MemberConfig.of(2, "c:1"))
        .build();
  }

  @Test
  void aCaughtUpHigherPrioritySecondarySchedulesAPriorityTakeover() {
    TopologyCoordinator tc = node(selfHasPriorityTwo());
    tc.setMyLastOpTimes(op(100, 1), op(100, 1));
    tc.processVoteRequest(0, vote(false, 1, 1, op(100, 1)));
    HeartbeatResult r =
        tc.processHeartbeatResponse(1000, 1, hb(MemberState.PRIMARY, 1, op(101, 1)), 1);
    assertThat(r.action()).isInstanceOf(Action.PriorityTakeover.class);
    long at = ((Action.PriorityTakeover) r.action()).atMillis();
    assertThat(at).as("rank 0: one election timeout plus offset").isBetween(11_000L, 12_500L);
    tc.processHeartbeatResponse(at - 1, 1, hb(MemberState.PRIMARY, 1, op(101, 1)), 1);
    Action a = tc.tick(at);
    assertThat(a).isInstanceOf(Action.StartElection.class);
    assertThat(((Action.StartElection) a).reason())
        .isEqualTo(StartElectionReason.PRIORITY_TAKEOVER);
  }

  @Test
  void aLaggingHigherPrioritySecondaryDoesNotTakeOver() {
    TopologyCoordinator tc = node(selfHasPriorityTwo());
    tc.setMyLastOpTimes(op(90, 1), op(90, 1));
    tc.processVoteRequest(0, vote(false, 1, 1, op(90, 1)));
    HeartbeatResult r =
        tc.processHeartbeatResponse(1000, 1, hb(MemberState.PRIMARY, 1, op(100, 1)), 1);
    assertThat(r.action()).isInstanceOf(Action.NoAction.class);
  }

  // ---- commit point

  @Test
  void theCommitPointOnlyAdvancesToAnOpOfTheCurrentTerm() {
    TopologyCoordinator tc = new TopologyCoordinator("a:1", new Random(1));
    tc.restore(new DurableState(3, new LastVote(3, 1)), op(5, 3), op(5, 3));
    tc.installConfig(0, three());
    primaryFromRestored(tc);
    assertThat(tc.term()).isEqualTo(4);
    tc.processPositionReport(T, 1, 4, op(5, 3), op(5, 3));
    assertThat(tc.commitPoint())
        .as("a majority has it, but it is from term 3")
        .isEqualTo(OpTime.NULL);
    tc.setMyLastOpTimes(op(6, 4), op(6, 4));
    assertThat(tc.commitPoint()).isEqualTo(OpTime.NULL);
    UpdateResult u = tc.processPositionReport(T, 1, 4, op(6, 4), op(6, 4));
    assertThat(u.commitPointAdvanced()).isTrue();
    assertThat(tc.commitPoint()).isEqualTo(op(6, 4));
  }

  private static void primaryFromRestored(TopologyCoordinator tc) {
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 3, OpTime.NULL), 5);
    tc.processHeartbeatResponse(T, 2, hb(MemberState.SECONDARY, 3, OpTime.NULL), 5);
    tc.tick(T);
    tc.processVoteResponse(T, 1, new VoteResponse(3, true, ""));
    assertThat(tc.processVoteResponse(T, 1, new VoteResponse(4, true, "")).outcome())
        .isEqualTo(ElectionStep.Outcome.WON);
    finishCatchUp(tc, T, tc.config());
  }

  @Test
  void theCommitPointIsTheNewestOpAMajorityHasDurably() {
    ReplSetConfig five =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .member(MemberConfig.of(3, "d:1"))
            .member(MemberConfig.of(4, "e:1"))
            .build();
    TopologyCoordinator tc = node(five);
    tc.tick(T);
    tc.processVoteResponse(T, 1, new VoteResponse(0, true, ""));
    tc.processVoteResponse(T, 2, new VoteResponse(0, true, ""));
    tc.processVoteResponse(T, 1, new VoteResponse(1, true, ""));
    tc.processVoteResponse(T, 2, new VoteResponse(1, true, ""));
    finishCatchUp(tc, T, five);
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    tc.processPositionReport(T, 1, 1, op(9, 1), op(9, 1));
    assertThat(tc.commitPoint()).isEqualTo(OpTime.NULL);
    tc.processPositionReport(T, 2, 1, op(8, 1), op(8, 1));
    assertThat(tc.commitPoint()).isEqualTo(op(8, 1));
    tc.processPositionReport(T, 3, 1, op(10, 1), op(10, 1));
    assertThat(tc.commitPoint()).isEqualTo(op(9, 1));
  }

  @Test
  void aPositionReportFromAHigherTermIsNotCountedAndStepsThePrimaryDown() {
    TopologyCoordinator tc = primary(three(), T);
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    UpdateResult u = tc.processPositionReport(T, 1, 2, op(10, 1), op(10, 1));
    assertThat(u.action()).isInstanceOf(Action.StepDownSelf.class);
    assertThat(tc.commitPoint()).isEqualTo(OpTime.NULL);
  }

  @Test
  void aSecondaryLearnsTheCommitPointOnlyUpToWhatItHasInTheSameTerm() {
    TopologyCoordinator tc = node(three());
    tc.setMyLastOpTimes(op(5, 1), op(5, 1));
    SyncSourceMetadata md = new SyncSourceMetadata(2, op(7, 2), op(8, 2), 1, MemberState.PRIMARY);
    tc.processSyncSourceMetadata(T, 1, md);
    assertThat(tc.commitPoint()).as("its last op is from an older term").isEqualTo(OpTime.NULL);
    tc.setMyLastOpTimes(op(6, 2), op(6, 2));
    tc.processSyncSourceMetadata(T, 1, md);
    assertThat(tc.commitPoint()).isEqualTo(op(6, 2));
    tc.setMyLastOpTimes(op(8, 2), op(8, 2));
    tc.processSyncSourceMetadata(T, 1, md);
    assertThat(tc.commitPoint()).isEqualTo(op(7, 2));
  }

  // ---- sync source

  @Test
  void theSyncSourceIsTheClosestHealthyMemberAheadOfUs() {
    ReplSetConfig c =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .member(MemberConfig.of(3, "d:1"))
            .member(new MemberConfig(4, "e:1", 0, 0, true, 0, false, true, Map.of()))
            .build();
    TopologyCoordinator tc = node(c);
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    tc.processHeartbeatResponse(100, 1, hb(MemberState.PRIMARY, 1, op(20, 1)), 50);
    tc.processHeartbeatResponse(100, 2, hb(MemberState.SECONDARY, 1, op(15, 1)), 10);
    tc.processHeartbeatResponse(100, 3, hb(MemberState.SECONDARY, 1, op(9, 1)), 1);
    tc.processHeartbeatResponse(100, 4, hb(MemberState.SECONDARY, 1, op(20, 1)), 0);
    assertThat(tc.chooseNewSyncSource(100)).as("closest non-hidden member ahead").isEqualTo(2);
    tc.denylistSyncSource(2, 5000);
    assertThat(tc.chooseNewSyncSource(200)).isEqualTo(1);
  }

  @Test
  void aHiddenMemberIsASyncSourceOnlyWhenNothingElseIsAhead() {
    ReplSetConfig c =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(new MemberConfig(2, "c:1", 0, 1, true, 0, false, true, Map.of()))
            .build();
    TopologyCoordinator tc = node(c);
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    tc.processHeartbeatResponse(100, 1, hb(MemberState.SECONDARY, 1, op(10, 1)), 1);
    tc.processHeartbeatResponse(100, 2, hb(MemberState.SECONDARY, 1, op(12, 1)), 1);
    assertThat(tc.chooseNewSyncSource(100)).isEqualTo(2);
  }

  @Test
  void aSourceWhoseReportedPositionLagsTheBatchItSentIsKept() {
    TopologyCoordinator tc = node(three());
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    tc.processHeartbeatResponse(100, 1, hb(MemberState.PRIMARY, 1, op(12, 1)), 1);
    tc.processHeartbeatResponse(100, 2, hb(MemberState.SECONDARY, 1, op(10, 1)), 5);
    assertThat(tc.chooseNewSyncSource(100)).isEqualTo(1);
    // A batch up to op(15) was applied; the reply said the source was at op(14).
    tc.setMyLastOpTimes(op(15, 1), op(15, 1));
    tc.processSyncSourceMetadata(
        200, 1, new SyncSourceMetadata(1, OpTime.NULL, op(14, 1), 1, MemberState.PRIMARY));
    assertThat(tc.shouldChangeSyncSource(200, 1)).isFalse();
  }

  @Test
  void aSourceIsKeptWhileTheBatchItSentPutsUsAheadOfItsLastHeartbeat() {
    TopologyCoordinator tc = node(three());
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    tc.processHeartbeatResponse(100, 1, hb(MemberState.PRIMARY, 1, op(10, 1)), 1);
    tc.processHeartbeatResponse(100, 2, hb(MemberState.SECONDARY, 1, op(10, 1)), 5);
    assertThat(tc.chooseNewSyncSource(100)).isEqualTo(1);
    // A batch up to op(12) fetched from the primary is applied; its reply is not processed yet.
    tc.setMyLastOpTimes(op(12, 1), op(10, 1));
    assertThat(tc.shouldChangeSyncSource(200, 1)).as("behind us by its heartbeat").isTrue();
    tc.recordFetchedFrom(1, op(12, 1));
    assertThat(tc.shouldChangeSyncSource(200, 1)).isFalse();
    // Only the source we fetch from holds what we fetched.
    tc.recordFetchedFrom(2, op(12, 1));
    assertThat(tc.shouldChangeSyncSource(200, 2)).isTrue();
  }

  @Test
  void noSyncSourceIsBehindUsAndWithoutChainingOnlyThePrimaryIs() {
    TopologyCoordinator tc = node(three());
    tc.setMyLastOpTimes(op(10, 1), op(10, 1));
    tc.processHeartbeatResponse(100, 1, hb(MemberState.PRIMARY, 1, op(9, 1)), 1);
    tc.processHeartbeatResponse(100, 2, hb(MemberState.SECONDARY, 1, op(8, 1)), 1);
    assertThat(tc.chooseNewSyncSource(100)).isEqualTo(-1);

    ReplSetConfig noChaining =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .chainingAllowed(false)
            .build();
    TopologyCoordinator nc = node(noChaining);
    nc.processHeartbeatResponse(100, 1, hb(MemberState.PRIMARY, 0, op(20, 1)), 50);
    nc.processHeartbeatResponse(100, 2, hb(MemberState.SECONDARY, 0, op(20, 1)), 1);
    assertThat(nc.chooseNewSyncSource(100)).isEqualTo(1);
    assertThat(nc.shouldChangeSyncSource(100, 2)).isTrue();
  }

  // ---- step down and freeze

  @Test
  void stepDownOnANonPrimaryFailsWithNotWritablePrimary() {
    TopologyCoordinator tc = node(three());
    assertThatThrownBy(() -> tc.tryStepDown(0, false, 10_000, 60_000))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(10107));
  }

  @Test
  void stepDownWaitsForACaughtUpElectableSecondaryThenFailsWithExceededTimeLimit() {
    TopologyCoordinator tc = primary(three(), T);
    tc.setMyLastOpTimes(op(50, 1), op(50, 1));
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 1, op(40, 1)), 1);
    assertThat(tc.tryStepDown(T, false, T + 10_000, T + 60_000)).isEqualTo(StepDownAttempt.WAITING);
    assertThatThrownBy(() -> tc.tryStepDown(T + 10_000, false, T + 10_000, T + 60_000))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(262))
        .hasMessageContaining("No electable secondaries caught up");
    assertThat(tc.isWritablePrimary()).isTrue();
    assertThat(tc.tryStepDown(T + 10_000, true, T + 10_000, T + 60_000))
        .as("force steps down once the wait is over")
        .isEqualTo(StepDownAttempt.SUCCEEDED);
  }

  @Test
  void stepDownSucceedsWhenASecondaryIsCaughtUpAndThenFreezesTheNode() {
    TopologyCoordinator tc = primary(three(), T);
    tc.setMyLastOpTimes(op(50, 1), op(50, 1));
    tc.processHeartbeatResponse(T, 1, hb(MemberState.SECONDARY, 1, op(50, 1)), 1);
    assertThat(tc.tryStepDown(T, false, T + 10_000, T + 60_000))
        .isEqualTo(StepDownAttempt.SUCCEEDED);
    assertThat(tc.memberState()).isEqualTo(MemberState.SECONDARY);
    assertThat(tc.frozenUntilMillis()).isEqualTo(T + 60_000);
    assertThat(tc.canElect(T + 59_999)).isFalse();
    assertThat(tc.canElect(T + 60_000)).isTrue();
  }

  @Test
  void stepDownSecsMustExceedTheCatchUpPeriod() {
    assertThatThrownBy(() -> TopologyCoordinator.validateStepDownArgs(10, 10))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(2));
    TopologyCoordinator.validateStepDownArgs(60, 10);
  }

  @Test
  void aFrozenNodeDoesNotStandForElectionAndAPrimaryCannotFreeze() {
    TopologyCoordinator tc = node(three());
    tc.freeze(0, 30);
    assertThat(tc.tick(T)).isInstanceOf(Action.NoAction.class);
    assertThat(tc.tick(30_000)).isInstanceOf(Action.StartElection.class);

    TopologyCoordinator p = primary(three(), T);
    assertThatThrownBy(() -> p.freeze(T, 10))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(136));
  }

  // ---- member view

  @Test
  void membersThatStopAnsweringAreSeenAsDown() {
    TopologyCoordinator tc = node(three());
    tc.processHeartbeatResponse(1000, 1, hb(MemberState.SECONDARY, 0, op(1, 0)), 3);
    MemberStatus b = tc.memberStatuses(1000).get(1);
    assertThat(b.health()).isEqualTo(1);
    assertThat(b.state()).isEqualTo(MemberState.SECONDARY);
    assertThat(b.lastHeartbeatMillis()).isEqualTo(1000);
    assertThat(b.pingMillis()).isEqualTo(3);
    tc.tick(11_000);
    b = tc.memberStatuses(11_000).get(1);
    assertThat(b.health()).isZero();
    assertThat(b.state()).isEqualTo(MemberState.DOWN);
    assertThat(tc.memberStatuses(11_000).get(0).self()).isTrue();
  }
}
