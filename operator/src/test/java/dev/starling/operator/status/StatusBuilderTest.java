package dev.starling.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.api.v1alpha1.Conditions;
import dev.starling.operator.api.v1alpha1.LastAction;
import dev.starling.operator.api.v1alpha1.MemberStatus;
import dev.starling.operator.api.v1alpha1.Phase;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetStatus;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.observe.Observation;
import dev.starling.operator.plan.Action;
import dev.starling.operator.plan.ConfigMember;
import dev.starling.operator.plan.ConfigSettings;
import dev.starling.operator.plan.Decision;
import dev.starling.operator.plan.MemberState;
import dev.starling.operator.plan.ObservedMember;
import dev.starling.operator.plan.ObservedSet;
import dev.starling.operator.plan.Reason;
import dev.starling.operator.plan.Refusal;
import dev.starling.operator.plan.ReplSetConfig;
import dev.starling.operator.plan.Wait;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {
  static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
  static final Instant T1 = T0.plusSeconds(30);
  static final long GENERATION = 4;

  static final ReplicaSetModel MODEL = ReplicaSetModel.from(resource());

  static ReplicaSet resource() {
    ReplicaSet rs = dev.starling.operator.TestSets.orders();
    rs.getMetadata().setGeneration(GENERATION);
    rs.getSpec().setMembers(3);
    return rs;
  }

  static String host(int i) {
    return MODEL.memberHost(i);
  }

  static ObservedMember member(int i, MemberState state, int health, Long lag) {
    return new ObservedMember(
        "orders-" + i,
        host(i),
        false,
        state != MemberState.DOWN,
        state,
        health,
        state == MemberState.DOWN ? 0 : 5,
        2,
        lag,
        990L);
  }

  /** A healthy set of 3, orders-0 primary, config version 5 term 2. */
  static Observation healthy() {
    return observation(
        List.of(
            member(0, MemberState.PRIMARY, 1, 0L),
            member(1, MemberState.SECONDARY, 1, 0L),
            member(2, MemberState.SECONDARY, 1, 0L)));
  }

  static Observation observation(List<ObservedMember> members) {
    List<ConfigMember> cm = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      cm.add(ConfigMember.of(i, host(i)));
    }
    ReplSetConfig config = new ReplSetConfig("orders", 5, 2, cm, ConfigSettings.DEFAULT, Map.of());
    return new Observation(
        new ObservedSet(members, config, host(0), 3, 0, null, null, null, null), 2L, null);
  }

  static ReplicaSetStatus build(ReplicaSetStatus previous, Decision d, Outcome o, Instant now) {
    return build(previous, healthy(), d, o, now);
  }

  static ReplicaSetStatus build(
      ReplicaSetStatus previous, Observation obs, Decision d, Outcome o, Instant now) {
    return StatusBuilder.build(GENERATION, previous, MODEL, obs, d, o, now);
  }

  static Condition condition(ReplicaSetStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  static void assertConditions(
      ReplicaSetStatus s, String ready, String reconciling, String stalled) {
    assertThat(s.getConditions())
        .extracting(Condition::getType)
        .containsExactly(Conditions.READY, Conditions.RECONCILING, Conditions.STALLED);
    assertThat(condition(s, Conditions.READY).getStatus()).isEqualTo(ready);
    assertThat(condition(s, Conditions.RECONCILING).getStatus()).isEqualTo(reconciling);
    assertThat(condition(s, Conditions.STALLED).getStatus()).isEqualTo(stalled);
    assertThat(s.getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(GENERATION));
  }

  static final Decision IN_SYNC = new Action.None(Reason.InSync);

  @Test
  void inSyncAndHealthyIsReadyAndObservesTheGeneration() {
    ReplicaSetStatus s = build(null, IN_SYNC, Outcome.NOTHING, T0);

    assertConditions(s, "True", "False", "False");
    assertThat(condition(s, Conditions.READY).getReason()).isEqualTo("AllMembersHealthy");
    assertThat(condition(s, Conditions.READY).getMessage())
        .isEqualTo("3 of 3 members healthy, primary orders-0");
    assertThat(condition(s, Conditions.RECONCILING).getReason()).isEqualTo("Idle");
    assertThat(s.getObservedGeneration()).isEqualTo(GENERATION);
    assertThat(s.getPhase()).isEqualTo(Phase.Ready);
    assertThat(s.getReplicas()).isEqualTo(3);
    assertThat(s.getReadyReplicas()).isEqualTo(3);
    assertThat(s.getSelector())
        .isEqualTo("app.kubernetes.io/instance=orders,app.kubernetes.io/name=starling-node");
    assertThat(s.getPrimary()).isEqualTo("orders-0");
    assertThat(s.getConfigVersion()).isEqualTo(5);
    assertThat(s.getTerm()).isEqualTo(2);
    assertThat(s.getConnectionString())
        .isEqualTo(
            "mongodb://orders-0.orders-hs.shop.svc.cluster.local:27017,"
                + "orders-1.orders-hs.shop.svc.cluster.local:27017,"
                + "orders-2.orders-hs.shop.svc.cluster.local:27017/?replicaSet=orders");
    assertThat(s.getSrvConnectionString())
        .isEqualTo("mongodb+srv://orders-hs.shop.svc.cluster.local/?replicaSet=orders&tls=false");
    assertThat(s.getWaitingFor()).isNull();
    MemberStatus m0 = s.getMembers().get(0);
    assertThat(m0.getName()).isEqualTo("orders-0");
    assertThat(m0.getHost()).isEqualTo(host(0));
    assertThat(m0.getState()).isEqualTo("PRIMARY");
    assertThat(m0.getHealth()).isEqualTo(1);
    assertThat(m0.getVotes()).isEqualTo(1);
    assertThat(m0.getPriority()).isEqualTo(1.0);
    assertThat(m0.getHidden()).isFalse();
    assertThat(m0.getSecondaryDelaySecs()).isZero();
    assertThat(m0.getLagSeconds()).isZero();
    assertThat(m0.getOplogSizeMB()).isEqualTo(990);
  }

  @Test
  void aPodLeftAfterAScaleDownIsNoMember() {
    // orders-3 left the config and the StatefulSet shrank to 3; its pod is still terminating.
    Observation obs =
        observation(
            List.of(
                member(0, MemberState.PRIMARY, 1, 0L),
                member(1, MemberState.SECONDARY, 1, 0L),
                member(2, MemberState.SECONDARY, 1, 0L),
                member(3, MemberState.SECONDARY, -1, null)));

    ReplicaSetStatus s = build(null, obs, IN_SYNC, Outcome.NOTHING, T0);

    assertThat(s.getMembers())
        .extracting(m -> m.getName())
        .containsExactly("orders-0", "orders-1", "orders-2");
  }

  @Test
  void theSamePassAgainGivesAnEqualStatusSoNothingIsWritten() {
    ReplicaSetStatus first = build(null, IN_SYNC, Outcome.NOTHING, T0);
    ReplicaSetStatus again = build(first, IN_SYNC, Outcome.NOTHING, T1);

    assertThat(again).isEqualTo(first);
    assertThat(condition(again, Conditions.READY).getLastTransitionTime())
        .isEqualTo("2026-12-04T12:00:00Z");
  }

  @Test
  void anActionIsReconcilingAndTheGenerationIsNotObservedYet() {
    ReplicaSetStatus before = build(null, IN_SYNC, Outcome.NOTHING, T0);
    before.setObservedGeneration(GENERATION - 1);
    Action add =
        new Action.AddMember(
            "orders-3",
            ConfigMember.of(3, host(3)),
            healthy().set().config().with(ConfigMember.of(3, host(3))).nextVersion(),
            Reason.ScaleUp);
    LastAction last = new LastAction("AddMember", "orders-3", "ScaleUp", "2026-12-04T12:00:30Z");

    ReplicaSetStatus s = build(before, add, new Outcome(last, null, null), T1);

    assertConditions(s, "False", "True", "False");
    assertThat(condition(s, Conditions.RECONCILING).getReason()).isEqualTo("AddMember");
    assertThat(condition(s, Conditions.RECONCILING).getMessage()).isEqualTo(add.describe());
    assertThat(condition(s, Conditions.RECONCILING).getLastTransitionTime())
        .isEqualTo("2026-12-04T12:00:30Z");
    assertThat(condition(s, Conditions.STALLED).getLastTransitionTime())
        .as("Stalled did not flip")
        .isEqualTo("2026-12-04T12:00:00Z");
    assertThat(s.getObservedGeneration()).isEqualTo(GENERATION - 1);
    assertThat(s.getPhase()).isEqualTo(Phase.Scaling);
    assertThat(s.getLastAction()).isEqualTo(last);
  }

  @Test
  void aWaitIsReconcilingWithWhatItWaitsForAndKeepsThePhaseOfTheChange() {
    ReplicaSetStatus before = build(null, IN_SYNC, Outcome.NOTHING, T0);
    before.setPhase(Phase.Reconfiguring);
    before.setObservedGeneration(GENERATION - 1);
    Wait wait = new Wait(Wait.Cause.ConfigNotCommitted, "config version 6 to reach a majority");

    ReplicaSetStatus s = build(before, wait, Outcome.NOTHING, T1);

    assertConditions(s, "False", "True", "False");
    assertThat(condition(s, Conditions.RECONCILING).getReason()).isEqualTo("ConfigNotCommitted");
    assertThat(s.getWaitingFor()).isEqualTo("config version 6 to reach a majority");
    assertThat(s.getObservedGeneration()).isEqualTo(GENERATION - 1);
    assertThat(s.getPhase()).isEqualTo(Phase.Reconfiguring);
  }

  @Test
  void aRefusalOnlyAPersonCanLiftIsStalledInvalidAndObservesTheGeneration() {
    Refusal refusal =
        new Refusal(Refusal.Cause.InvalidSpec, "starling.dev/fence: member 7 does not exist");

    ReplicaSetStatus s = build(null, refusal, Outcome.NOTHING, T0);

    assertConditions(s, "False", "False", "True");
    assertThat(condition(s, Conditions.STALLED).getReason()).isEqualTo("InvalidSpec");
    assertThat(condition(s, Conditions.STALLED).getMessage()).isEqualTo(refusal.message());
    assertThat(s.getPhase()).isEqualTo(Phase.Invalid);
    assertThat(s.getObservedGeneration())
        .as("a failed spec is not a change in progress (kstatus: Failed, not InProgress)")
        .isEqualTo(GENERATION);
    assertThat(s.getWaitingFor()).isNull();
  }

  @Test
  void aRefusalThatLiftsWhenMembersRecoverIsReconcilingAndDegraded() {
    Refusal refusal = new Refusal(Refusal.Cause.ScaleDownWhileMemberDown, "not removing orders-2");

    ReplicaSetStatus s = build(null, refusal, Outcome.NOTHING, T0);

    assertConditions(s, "False", "True", "False");
    assertThat(condition(s, Conditions.RECONCILING).getReason())
        .isEqualTo("ScaleDownWhileMemberDown");
    assertThat(s.getPhase()).isEqualTo(Phase.Degraded);
    assertThat(s.getObservedGeneration()).isNull();
  }

  @Test
  void pausedIsNeitherReconcilingNorReadyAndObservesTheGeneration() {
    ReplicaSetStatus s =
        build(null, new Wait(Wait.Cause.Paused, "spec.paused to be false"), Outcome.NOTHING, T0);

    assertConditions(s, "False", "False", "False");
    assertThat(condition(s, Conditions.READY).getReason()).isEqualTo("Paused");
    assertThat(s.getPhase()).isEqualTo(Phase.Paused);
    assertThat(s.getObservedGeneration()).isEqualTo(GENERATION);
  }

  @Test
  void inSyncWithAMemberDownIsDegradedNotReady() {
    Observation obs =
        observation(
            List.of(
                member(0, MemberState.PRIMARY, 1, 0L),
                member(1, MemberState.SECONDARY, 1, 0L),
                member(2, MemberState.DOWN, 0, 40L)));

    ReplicaSetStatus s = build(null, obs, IN_SYNC, Outcome.NOTHING, T0);

    assertConditions(s, "False", "False", "False");
    assertThat(condition(s, Conditions.READY).getReason()).isEqualTo("MembersUnhealthy");
    assertThat(condition(s, Conditions.READY).getMessage()).contains("orders-2 (unreachable)");
    assertThat(s.getPhase()).isEqualTo(Phase.Degraded);
    assertThat(s.getReadyReplicas()).isEqualTo(2);
    assertThat(s.getObservedGeneration()).isEqualTo(GENERATION);
    assertThat(s.getMembers().get(2).getState()).isEqualTo("DOWN");
    assertThat(s.getMembers().get(2).getHealth()).isZero();
  }

  @Test
  void aFailedActionIsReconcilingAndRecordsNoAction() {
    ReplicaSetStatus before = build(null, IN_SYNC, Outcome.NOTHING, T0);
    LastAction earlier = new LastAction("StepDown", "orders-1", "StepDownRequested", "t");
    before.setLastAction(earlier);
    Action resize = new Action.ResizeOplog("orders-1", host(1), 2048, Reason.OplogSizeChanged);

    ReplicaSetStatus s =
        build(before, resize, Outcome.failed("resize the oplog of orders-1 failed: boom"), T1);

    assertConditions(s, "False", "True", "False");
    assertThat(condition(s, Conditions.RECONCILING).getReason()).isEqualTo("ActionFailed");
    assertThat(s.getLastAction()).isEqualTo(earlier);
  }

  @Test
  void theStepDownValueHandledIsRecordedAndKept() {
    Action stepDown =
        new Action.StepDown("orders-0", host(0), 60, 10, "v2", Reason.StepDownRequested);
    LastAction last = new LastAction("StepDown", "orders-0", "StepDownRequested", "x");

    ReplicaSetStatus s = build(null, stepDown, new Outcome(last, "v2", null), T0);
    ReplicaSetStatus later = build(s, IN_SYNC, Outcome.NOTHING, T1);

    assertThat(s.getStepDownHandled()).isEqualTo("v2");
    assertThat(later.getStepDownHandled()).isEqualTo("v2");
    assertThat(later.getLastAction()).isEqualTo(last);
  }

  @Test
  void beforeInitiationTheSetIsPendingThenInitializing() {
    List<ObservedMember> pods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pods.add(
          new ObservedMember(
              "orders-" + i, host(i), false, true, MemberState.STARTUP, -1, 0, 0, null, null));
    }
    Observation obs =
        new Observation(
            new ObservedSet(pods, null, null, 3, 0, null, null, null, null), null, null);
    Wait starting = new Wait(Wait.Cause.MemberUnreachable, "orders-2 to start");

    ReplicaSetStatus pending = build(null, obs, starting, Outcome.NOTHING, T0);
    ReplicaSetStatus initializing =
        build(
            pending,
            obs,
            new Action.Initiate("orders-0", host(0), healthy().set().config(), Reason.NewSet),
            Outcome.NOTHING,
            T1);

    assertThat(pending.getPhase()).isEqualTo(Phase.Pending);
    assertThat(pending.getMembers()).extracting(MemberStatus::getState).containsOnly("STARTUP");
    assertThat(pending.getMembers()).allSatisfy(m -> assertThat(m.getHealth()).isNull());
    assertThat(pending.getConfigVersion()).isNull();
    assertThat(initializing.getPhase()).isEqualTo(Phase.Initializing);
  }
}
