package dev.starling.operator.plan;

import static dev.starling.operator.plan.Fixtures.NOW;
import static dev.starling.operator.plan.Fixtures.desired;
import static dev.starling.operator.plan.Fixtures.entry;
import static dev.starling.operator.plan.Fixtures.host;
import static dev.starling.operator.plan.Fixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.api.v1alpha1.WriteConcern;
import dev.starling.operator.plan.Action.AddMember;
import dev.starling.operator.plan.Action.ChangeMember;
import dev.starling.operator.plan.Action.GrowStatefulSet;
import dev.starling.operator.plan.Action.Initiate;
import dev.starling.operator.plan.Action.None;
import dev.starling.operator.plan.Action.Reconfig;
import dev.starling.operator.plan.Action.ReconfigSettings;
import dev.starling.operator.plan.Action.RemoveMember;
import dev.starling.operator.plan.Action.ResizeOplog;
import dev.starling.operator.plan.Action.SetDefaultWriteConcern;
import dev.starling.operator.plan.Action.ShrinkStatefulSet;
import dev.starling.operator.plan.Action.StepDown;
import dev.starling.operator.plan.Fixtures.Observed;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each observed situation, the single action, wait or refusal the planner must return. Every
 * reconfig it returns is also checked against the majority-safe rules.
 */
class PlannerTest {
  record Case(DesiredSet desired, ObservedSet observed, Instant now, Consumer<Decision> expect) {}

  static Arguments when(String name, DesiredSet d, Observed o, Consumer<Decision> expect) {
    return when(name, d, o, NOW, expect);
  }

  static Arguments when(
      String name, DesiredSet d, Observed o, Instant now, Consumer<Decision> expect) {
    return Arguments.of(Named.of(name, new Case(d, o.build(), now, expect)));
  }

  static <T extends Action> Consumer<Decision> action(
      Class<T> type, Reason reason, String member, Consumer<T> more) {
    return decision -> {
      assertThat(decision).as(decision.describe()).isInstanceOf(type);
      T action = type.cast(decision);
      assertThat(action.reason()).isEqualTo(reason);
      assertThat(action.member()).isEqualTo(member);
      more.accept(action);
    };
  }

  static Consumer<Decision> action(Class<? extends Action> type, Reason reason, String member) {
    return action(type, reason, member, a -> {});
  }

  static Consumer<Decision> waits(Wait.Cause cause, String text) {
    return decision -> {
      assertThat(decision).as(decision.describe()).isInstanceOf(Wait.class);
      assertThat(((Wait) decision).cause()).isEqualTo(cause);
      assertThat(((Wait) decision).text()).contains(text);
    };
  }

  static Consumer<Decision> refuses(Refusal.Cause cause, String message) {
    return decision -> {
      assertThat(decision).as(decision.describe()).isInstanceOf(Refusal.class);
      assertThat(((Refusal) decision).cause()).isEqualTo(cause);
      assertThat(((Refusal) decision).message()).contains(message);
    };
  }

  static Stream<Arguments> actions() {
    return Stream.of(
        when(
            "a new set whose pods all answer is initiated with every member at once",
            desired(3),
            Observed.uninitialized(3),
            action(
                Initiate.class,
                Reason.NewSet,
                "orders-0",
                a -> {
                  assertThat(a.config().version()).isEqualTo(1);
                  assertThat(a.config().members())
                      .extracting(ConfigMember::host)
                      .containsExactly(host(0), host(1), host(2));
                  assertThat(a.config().members()).allMatch(m -> m.votes() == 1);
                })),
        when(
            "a new set with an arbiter is initiated with it, as _id 50",
            desired(2, s -> s.setArbiters(1)),
            Observed.uninitialized(2).arbiterPod(),
            action(
                Initiate.class,
                Reason.NewSet,
                "orders-0",
                a ->
                    assertThat(a.config().members())
                        .filteredOn(ConfigMember::arbiterOnly)
                        .singleElement()
                        .satisfies(m -> assertThat(m.id()).isEqualTo(50)))),
        when(
            "the initiating member is the preferred primary",
            desired(3, s -> s.setPreferredPrimary(2)),
            Observed.uninitialized(3),
            action(
                Initiate.class,
                Reason.NewSet,
                "orders-2",
                a -> assertThat(a.target()).isEqualTo(host(2)))),
        when(
            "a set scaled before it was initiated shrinks its StatefulSet first",
            desired(3),
            Observed.uninitialized(5),
            action(
                ShrinkStatefulSet.class,
                Reason.ScaleDown,
                null,
                a -> assertThat(a.to()).isEqualTo(3))),
        when(
            "scale-up grows the StatefulSet before any member is added",
            desired(5),
            observed(3),
            action(
                GrowStatefulSet.class,
                Reason.ScaleUp,
                null,
                a -> {
                  assertThat(a.statefulSet()).isEqualTo("orders");
                  assertThat(a.from()).isEqualTo(3);
                  assertThat(a.to()).isEqualTo(5);
                })),
        when(
            "an arbiter asked for grows the arbiter StatefulSet",
            desired(2, s -> s.setArbiters(1)),
            observed(2),
            action(
                GrowStatefulSet.class,
                Reason.ScaleUp,
                null,
                a -> assertThat(a.statefulSet()).isEqualTo("orders-arbiter"))),
        when(
            "scale-up adds the lowest new ordinal once its pod answers",
            desired(5),
            observed(3).newPods(3, 5),
            action(
                AddMember.class,
                Reason.ScaleUp,
                "orders-3",
                a -> {
                  assertThat(a.added().votes()).isEqualTo(1);
                  assertThat(a.added().id()).isEqualTo(3);
                  assertThat(a.next().version()).isEqualTo(6);
                  assertThat(a.next().members()).hasSize(4);
                })),
        when(
            "a new member is added with the votes and priority its memberConfig gives",
            desired(4, s -> s.setMemberConfig(List.of(entry(3, 0, 0, false, 0, Map.of())))),
            observed(3).newPods(3, 4),
            action(
                AddMember.class,
                Reason.ScaleUp,
                "orders-3",
                a -> {
                  assertThat(a.added().votes()).isZero();
                  assertThat(a.added().priority()).isZero();
                })),
        when(
            "operator restarted mid-scale-up, orders-3 already added and synced: adds orders-4",
            desired(5),
            observed(3)
                .newPods(3, 5)
                .config(c -> c.with(ConfigMember.of(3, host(3))).nextVersion()),
            action(AddMember.class, Reason.ScaleUp, "orders-4")),
        when(
            "operator restarted after the last addition: nothing is added twice",
            desired(5),
            observed(3)
                .newPods(3, 5)
                .config(
                    c ->
                        c.with(ConfigMember.of(3, host(3)))
                            .with(ConfigMember.of(4, host(4)))
                            .nextVersion()),
            action(None.class, Reason.InSync, null)),
        when(
            "an arbiter is added once a cluster-wide write concern is set",
            desired(2, s -> s.setArbiters(1)),
            observed(2).arbiterPod().cwwc(DefaultWriteConcern.majority()),
            action(
                AddMember.class,
                Reason.ScaleUp,
                "orders-arbiter-0",
                a -> assertThat(a.added().arbiterOnly()).isTrue())),
        when(
            "a memberConfig change reconfigures that member",
            desired(
                3,
                s -> s.setMemberConfig(List.of(entry(2, 0, 1, true, 3600, Map.of("dc", "east"))))),
            observed(3),
            action(
                ChangeMember.class,
                Reason.MemberConfigChanged,
                "orders-2",
                a -> {
                  assertThat(a.after().hidden()).isTrue();
                  assertThat(a.after().secondaryDelaySecs()).isEqualTo(3600);
                  assertThat(a.after().tags()).containsEntry("dc", "east");
                })),
        when(
            "two voters to change: only one per reconfig, the first by _id",
            desired(
                5,
                s ->
                    s.setMemberConfig(
                        List.of(
                            entry(3, 0, 0, false, 0, Map.of()),
                            entry(4, 0, 0, false, 0, Map.of())))),
            observed(5),
            action(
                ChangeMember.class,
                Reason.MemberConfigChanged,
                "orders-3",
                a -> assertThat(a.next().member(host(4)).orElseThrow().votes()).isEqualTo(1))),
        when(
            "the second voter changes once the first change is committed",
            desired(
                5,
                s ->
                    s.setMemberConfig(
                        List.of(
                            entry(3, 0, 0, false, 0, Map.of()),
                            entry(4, 0, 0, false, 0, Map.of())))),
            observed(5)
                .config(
                    c ->
                        c.with(
                                c.member(host(3))
                                    .orElseThrow()
                                    .withSettings(0, 0, false, 0, Map.of()))
                            .nextVersion()),
            action(ChangeMember.class, Reason.MemberConfigChanged, "orders-4")),
        when(
            "a member losing its vote changes before another member's priority",
            desired(
                5,
                s ->
                    s.setMemberConfig(
                        List.of(
                            entry(1, 2, 1, false, 0, Map.of()),
                            entry(4, 0, 0, false, 0, Map.of())))),
            observed(5),
            action(ChangeMember.class, Reason.MemberConfigChanged, "orders-4")),
        when(
            "the fence annotation makes a member priority 0 and hidden, keeping its vote",
            Fixtures.fenced(3, "2"),
            observed(3),
            action(
                ChangeMember.class,
                Reason.Fence,
                "orders-2",
                a -> {
                  assertThat(a.after().priority()).isZero();
                  assertThat(a.after().hidden()).isTrue();
                  assertThat(a.after().votes()).isEqualTo(1);
                })),
        when(
            "a primary that its new settings make unelectable steps down first",
            desired(3, s -> s.setMemberConfig(List.of(entry(0, 0, 1, false, 0, Map.of())))),
            observed(3),
            action(StepDown.class, Reason.PrimaryBecomesUnelectable, "orders-0")),
        when(
            "scale-down removes the highest ordinal first",
            desired(3),
            observed(5),
            action(
                RemoveMember.class,
                Reason.ScaleDown,
                "orders-4",
                a -> assertThat(a.next().member(host(4))).isEmpty())),
        when(
            "scale-down removes the next member once the first removal is committed",
            desired(3),
            observed(5).config(c -> c.without(host(4)).nextVersion()),
            action(RemoveMember.class, Reason.ScaleDown, "orders-3")),
        when(
            "scale-down steps the primary down first when it is leaving",
            desired(3),
            observed(5).primary(4),
            action(StepDown.class, Reason.PrimaryRemoved, "orders-4")),
        when(
            "a member that is itself down may still be removed while the others are healthy",
            desired(4),
            observed(5).down(4),
            action(RemoveMember.class, Reason.ScaleDown, "orders-4")),
        when(
            "the StatefulSet shrinks once the removals are committed",
            desired(3),
            observed(5).config(c -> c.without(host(4)).without(host(3)).nextVersion()),
            action(
                ShrinkStatefulSet.class,
                Reason.ScaleDown,
                null,
                a -> {
                  assertThat(a.from()).isEqualTo(5);
                  assertThat(a.to()).isEqualTo(3);
                })),
        when(
            "a new step-down annotation value steps the primary down, non-forced",
            desired(3),
            observed(3).stepDown("v2", "v1"),
            action(
                StepDown.class,
                Reason.StepDownRequested,
                "orders-0",
                a -> {
                  assertThat(a.annotationValue()).isEqualTo("v2");
                  assertThat(a.catchUpSeconds()).isPositive();
                })),
        when(
            "a step-down annotation value already handled does nothing",
            desired(3),
            observed(3).stepDown("v2", "v2"),
            action(None.class, Reason.InSync, null)),
        when(
            "preferredPrimary: the preferred member's priority is raised above the others",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3),
            action(
                ChangeMember.class,
                Reason.PreferredPrimaryBoost,
                "orders-1",
                a -> assertThat(a.after().priority()).isEqualTo(2))),
        when(
            "preferredPrimary: once raised and caught up, the primary steps down",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3).configMember(1, m -> m.withPriority(2)),
            action(StepDown.class, Reason.PreferredPrimary, "orders-0")),
        when(
            "preferredPrimary: once primary, its priority goes back to the spec's",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3).configMember(1, m -> m.withPriority(2)).primary(1),
            action(
                ChangeMember.class,
                Reason.PreferredPrimaryRestore,
                "orders-1",
                a -> assertThat(a.after().priority()).isEqualTo(1))),
        when(
            "preferredPrimary dropped mid-move: the raised priority is restored",
            desired(3),
            observed(3).configMember(1, m -> m.withPriority(2)),
            action(ChangeMember.class, Reason.MemberConfigChanged, "orders-1")),
        when(
            "preferredPrimary with the highest priority in the spec needs no raise",
            desired(
                3,
                s -> {
                  s.setPreferredPrimary(1);
                  s.setMemberConfig(List.of(entry(1, 5, 1, false, 0, Map.of())));
                }),
            observed(3),
            action(
                ChangeMember.class,
                Reason.MemberConfigChanged,
                "orders-1",
                a -> assertThat(a.after().priority()).isEqualTo(5))),
        when(
            "preferredPrimary already highest by the spec: the primary steps down",
            desired(
                3,
                s -> {
                  s.setPreferredPrimary(1);
                  s.setMemberConfig(List.of(entry(1, 5, 1, false, 0, Map.of())));
                }),
            observed(3).configMember(1, m -> m.withPriority(5)),
            action(StepDown.class, Reason.PreferredPrimary, "orders-0")),
        when(
            "preferredPrimary already primary with the spec's priorities: nothing to do",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3).primary(1),
            action(None.class, Reason.InSync, null)),
        when(
            "oplog resize starts with the lowest secondary",
            desired(3, s -> s.setOplogSizeMB(2048)),
            observed(3),
            action(
                ResizeOplog.class,
                Reason.OplogSizeChanged,
                "orders-1",
                a -> assertThat(a.sizeMB()).isEqualTo(2048))),
        when(
            "oplog resize reaches the primary last",
            desired(3, s -> s.setOplogSizeMB(2048)),
            observed(3).oplog(1, 2048).oplog(2, 2048),
            action(ResizeOplog.class, Reason.OplogSizeChanged, "orders-0")),
        when(
            "a default write concern in the spec is set first",
            desired(3, s -> s.setDefaultWriteConcern(WriteConcern.majority())),
            observed(3),
            action(
                SetDefaultWriteConcern.class,
                Reason.DefaultWriteConcernChanged,
                null,
                a -> assertThat(a.writeConcern().w()).isEqualTo("majority"))),
        when(
            "the default write concern is not set again when the node reports its defaults",
            desired(3, s -> s.setDefaultWriteConcern(WriteConcern.majority())),
            observed(3).cwwc(new DefaultWriteConcern("majority", null, 0)),
            action(None.class, Reason.InSync, null)),
        when(
            "settings changes are one reconfig",
            desired(3, s -> s.getSettings().setElectionTimeoutMillis(5000)),
            observed(3),
            action(
                ReconfigSettings.class,
                Reason.SettingsChanged,
                null,
                a -> assertThat(a.next().settings().electionTimeoutMillis()).isEqualTo(5000))),
        when(
            "write concern modes are installed once the members carry their tags",
            desired(
                3,
                s -> {
                  s.setMemberConfig(
                      List.of(
                          entry(0, 1, 1, false, 0, Map.of("dc", "east")),
                          entry(1, 1, 1, false, 0, Map.of("dc", "west"))));
                  s.setWriteConcernModes(Map.of("twoDCs", Map.of("dc", 2)));
                }),
            observed(3)
                .configMember(0, m -> m.withSettings(1, 1, false, 0, Map.of("dc", "east")))
                .configMember(1, m -> m.withSettings(1, 1, false, 0, Map.of("dc", "west"))),
            action(
                ReconfigSettings.class,
                Reason.SettingsChanged,
                null,
                a -> assertThat(a.next().writeConcernModes()).containsKey("twoDCs"))),
        when(
            "tags come before the write concern modes that need them",
            desired(
                3,
                s -> {
                  s.setMemberConfig(
                      List.of(
                          entry(0, 1, 1, false, 0, Map.of("dc", "east")),
                          entry(1, 1, 1, false, 0, Map.of("dc", "west"))));
                  s.setWriteConcernModes(Map.of("twoDCs", Map.of("dc", 2)));
                }),
            observed(3),
            action(ChangeMember.class, Reason.MemberConfigChanged, "orders-0")),
        when(
            "modes are dropped before the last tag they need",
            desired(3),
            observed(3)
                .configMember(0, m -> m.withSettings(1, 1, false, 0, Map.of("dc", "east")))
                .config(
                    c ->
                        c.withSettings(c.settings(), Map.of("twoDCs", Map.of("dc", 1)))
                            .nextVersion()),
            action(
                ReconfigSettings.class,
                Reason.SettingsChanged,
                null,
                a -> assertThat(a.next().writeConcernModes()).isEmpty())),
        when(
            "a healthy set that matches the spec: nothing to do",
            desired(3),
            observed(3),
            action(None.class, Reason.InSync, null)));
  }

  static Stream<Arguments> waits() {
    return Stream.of(
        when(
            "paused: observe only",
            desired(3, s -> s.setPaused(true)),
            observed(3).down(2),
            waits(Wait.Cause.Paused, "spec.paused")),
        when(
            "a new set waits for every pod before initiating",
            desired(3),
            Observed.uninitialized(3).unreachable(2),
            waits(Wait.Cause.MemberUnreachable, "orders-2 to start")),
        when(
            "a new member's pod that does not answer yet is not added",
            desired(4),
            observed(3).newPods(3, 4).unreachable(3),
            waits(Wait.Cause.MemberUnreachable, "orders-3 to start")),
        when(
            "no primary: nothing can be reconfigured",
            desired(5),
            observed(3).newPods(3, 5).noPrimary(),
            waits(Wait.Cause.NoPrimary, "a primary")),
        when(
            "a config held only by the primary is not built upon",
            desired(5),
            observed(3)
                .newPods(3, 5)
                .config(c -> c.with(ConfigMember.of(3, host(3))).nextVersion())
                .onlyPrimaryHas(),
            waits(Wait.Cause.ConfigNotCommitted, "config version 6")),
        when(
            "a removal not yet committed keeps the StatefulSet's size",
            desired(3),
            observed(5)
                .config(c -> c.without(host(4)).without(host(3)).nextVersion())
                .onlyPrimaryHas(),
            waits(Wait.Cause.ConfigNotCommitted, "config version 6")),
        when(
            "operator restarted mid-scale-up, orders-3 in initial sync: no second addition yet",
            desired(5),
            observed(3)
                .newPods(3, 5)
                .config(c -> c.with(ConfigMember.of(3, host(3))).nextVersion())
                .state(3, MemberState.STARTUP2),
            waits(Wait.Cause.MemberCatchingUp, "orders-3 to finish its initial sync")),
        when(
            "the preferred member catches up before the primary steps down for it",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3).configMember(1, m -> m.withPriority(2)).lag(1, 45),
            waits(
                Wait.Cause.MemberCatchingUp,
                "orders-1 to catch up before it becomes primary (lag 45 s)")),
        when(
            "a preferred member that is down is waited for",
            desired(3, s -> s.setPreferredPrimary(2)),
            observed(3).down(2),
            waits(Wait.Cause.MemberUnreachable, "orders-2 to be healthy")),
        when(
            "moments after a step-down the election is left to finish",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3)
                .configMember(1, m -> m.withPriority(2))
                .primary(2)
                .lastStepDown(NOW.minusSeconds(5)),
            waits(Wait.Cause.ElectionInProgress, "election")),
        when(
            "a leaving primary waits for a caught-up successor before stepping down",
            desired(3),
            observed(5).primary(4).lag(0, 60).lag(1, 60).lag(2, 60),
            waits(Wait.Cause.NoElectableSecondary, "stepping down orders-4")),
        when(
            "a step-down request waits for a caught-up secondary",
            desired(3),
            observed(3).stepDown("now", null).lag(1, 30).lag(2, 30),
            waits(Wait.Cause.NoElectableSecondary, "orders-0")));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        when(
            "refuses a change that would leave fewer than a majority of healthy caught-up voters",
            desired(3, s -> s.setMemberConfig(List.of(entry(1, 0, 0, false, 0, Map.of())))),
            observed(3).down(2),
            refuses(
                Refusal.Cause.WouldLoseMajority, "would leave 1 healthy, caught-up voters of 2")),
        when(
            "refuses a scale-down whose removal leaves too few caught-up voters",
            desired(3),
            observed(5).lag(1, 120).lag(2, 120),
            refuses(Refusal.Cause.WouldLoseMajority, "fewer than the majority of 3")),
        when(
            "refuses a scale-down while a member that stays is down",
            desired(3),
            observed(5).down(1),
            refuses(Refusal.Cause.ScaleDownWhileMemberDown, "orders-1 (unreachable)")),
        when(
            "refuses a fence annotation that is not a list of ordinals",
            Fixtures.fenced(3, "orders-1"),
            observed(3),
            refuses(Refusal.Cause.InvalidSpec, "starling.dev/fence")),
        when(
            "refuses to fence the preferred primary",
            fencedPreferred(),
            observed(3),
            refuses(Refusal.Cause.InvalidSpec, "preferredPrimary 1 is fenced")),
        when(
            "refuses to fence every member that could be primary",
            Fixtures.fenced(1, "0"),
            observed(1),
            refuses(Refusal.Cause.InvalidSpec, "no member can become primary")),
        when(
            "refuses write concern modes the members' tags cannot satisfy",
            desired(3, s -> s.setWriteConcernModes(Map.of("twoDCs", Map.of("dc", 2)))),
            observed(3),
            refuses(
                Refusal.Cause.InvalidSpec,
                "writeConcernModes.twoDCs needs 2 different values of tag dc")),
        when(
            "refuses a default write concern naming an unknown mode",
            desired(
                3, s -> s.setDefaultWriteConcern(new WriteConcern(new IntOrString("threeDCs")))),
            observed(3),
            refuses(Refusal.Cause.InvalidSpec, "threeDCs")),
        when(
            "refuses a default write concern of more members than the set has",
            desired(3, s -> s.setDefaultWriteConcern(new WriteConcern(new IntOrString(4)))),
            observed(3),
            refuses(Refusal.Cause.InvalidSpec, "between 1 and the 3")),
        when(
            "refuses an arbiter that would change the implicit default write concern",
            desired(2, s -> s.setArbiters(1)),
            observed(2).arbiterPod(),
            refuses(Refusal.Cause.InvalidSpec, "set spec.defaultWriteConcern")),
        when(
            "refuses a step-down annotation when no other member can be primary",
            desired(1),
            observed(1).stepDown("v1", null),
            refuses(Refusal.Cause.InvalidSpec, "remove the annotation")));
  }

  static DesiredSet fencedPreferred() {
    var rs = Fixtures.resource(3, s -> s.setPreferredPrimary(1));
    rs.getMetadata()
        .setAnnotations(Map.of(dev.starling.operator.api.v1alpha1.Annotations.FENCE, "1"));
    return DesiredSet.of(dev.starling.operator.model.ReplicaSetModel.from(rs));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("actions")
  void plansTheAction(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("waits")
  void waitsFor(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refuses(Case c) {
    check(c);
  }

  private static void check(Case c) {
    Decision decision = Planner.next(c.desired(), c.observed(), c.now());
    c.expect().accept(decision);
    if (decision instanceof Reconfig r) {
      ReplSetConfig current = c.observed().config();
      assertThat(r.next().version()).isEqualTo(current.version() + 1);
      assertThat(ReconfigSafety.check(current, r.next(), c.observed())).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("actions")
  void isAPureFunctionOfItsInputs(Case c) {
    assertThat(Planner.next(c.desired(), c.observed(), c.now()))
        .isEqualTo(Planner.next(c.desired(), c.observed(), c.now()));
  }

  static Stream<Arguments> afterTheElectionWindow() {
    return Stream.of(
        when(
            "the step-down for the preferred member is retried after the election window",
            desired(3, s -> s.setPreferredPrimary(1)),
            observed(3)
                .configMember(1, m -> m.withPriority(2))
                .primary(2)
                .lastStepDown(NOW.minus(Duration.ofSeconds(31))),
            action(StepDown.class, Reason.PreferredPrimary, "orders-2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("afterTheElectionWindow")
  void retries(Case c) {
    check(c);
  }
}
