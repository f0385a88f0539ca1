package dev.starling.operator.plan;

import static dev.starling.operator.plan.Fixtures.desired;
import static dev.starling.operator.plan.Fixtures.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.starling.operator.api.v1alpha1.UpdateStrategy;
import dev.starling.operator.plan.Action.AddMember;
import dev.starling.operator.plan.Action.GrowStatefulSet;
import dev.starling.operator.plan.Action.Initiate;
import dev.starling.operator.plan.Action.None;
import dev.starling.operator.plan.Action.Reconfig;
import dev.starling.operator.plan.Action.ResizeOplog;
import dev.starling.operator.plan.Action.RestartMember;
import dev.starling.operator.plan.Action.SetDefaultWriteConcern;
import dev.starling.operator.plan.Action.ShrinkStatefulSet;
import dev.starling.operator.plan.Action.StepDown;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drives the planner against a simulated set that behaves like the nodes do where it matters: a
 * config reaches the secondaries one heartbeat after the primary installs it, a new member syncs
 * for a while under {@code newlyAdded} and the primary then clears the mark with its own reconfig,
 * and a step-down elects the electable secondary with the highest priority. After every step the
 * majority-safe rules are checked against what really happened.
 */
class SimulatedSetTest {
  /** The simulated members and StatefulSet; pods are named orders-0 ... */
  static final class Sim {
    final Map<String, ObservedMember> pods = new LinkedHashMap<>();
    final Map<String, Integer> syncTicks = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();
    ReplSetConfig config;
    String primary;
    int statefulSet;
    DefaultWriteConcern cwwc;
    Instant now = Fixtures.NOW;
    Instant lastStepDown;
    int committedVersion;

    /** Pods whose template changed, by host; a host not here runs the current template. */
    final Map<String, PodFacts> outdated = new LinkedHashMap<>();

    /** Pods restarting, by host: 3 terminating, 2 gone, 1 back but behind; then caught up. */
    final Map<String, Integer> restarting = new LinkedHashMap<>();

    /** Every pod restarted, in order. */
    final List<String> restarts = new ArrayList<>();

    final Map<String, Instant> created = new LinkedHashMap<>();
    boolean revisionsKnown = true;
    String approve;
    String approveHandled;
    String stepDownRequested;
    String stepDownHandled;
    int stepDowns;

    Sim(int pods) {
      grow(pods);
    }

    void grow(int to) {
      for (int i = statefulSet; i < to; i++) {
        pods.put(
            host(i),
            new ObservedMember(
                "orders-" + i, host(i), false, true, MemberState.STARTUP, -1, 0, 0, null, null));
      }
      statefulSet = to;
    }

    void shrink(int to) {
      ReplSetConfig c = config;
      for (int i = to; i < statefulSet; i++) {
        String h = host(i);
        if (c != null && c.member(h).isPresent()) {
          fail("shrank away " + h + ", still in config version " + c.version());
        }
        pods.remove(h);
      }
      if (c != null && committedVersion != c.version()) {
        fail("shrank before config version " + c.version() + " was committed");
      }
      statefulSet = to;
    }

    ObservedSet observe() {
      List<ObservedMember> seen = new ArrayList<>();
      for (ObservedMember m : pods.values()) {
        Integer restart = restarting.get(m.host());
        PodFacts current = new PodFacts(null, null, false, true, created.get(m.host()), "rv");
        if (restart == null) {
          seen.add(m.withPod(outdated.getOrDefault(m.host(), current)));
        } else if (restart == 3) {
          PodFacts old = outdated.get(m.host());
          seen.add(
              down(m)
                  .withPod(
                      new PodFacts(
                          old.restartReason(),
                          old.restartDetail(),
                          true,
                          false,
                          null,
                          old.resourceVersion())));
        } else if (restart == 1) {
          seen.add(
              new ObservedMember(
                      m.name(),
                      m.host(),
                      false,
                      true,
                      MemberState.SECONDARY,
                      1,
                      m.configVersion(),
                      m.configTerm(),
                      30L,
                      m.oplogSizeMB())
                  .withPod(current));
        }
      }
      return new ObservedSet(
          seen,
          config,
          primary,
          statefulSet,
          0,
          cwwc,
          stepDownRequested,
          stepDownHandled,
          lastStepDown,
          new Rollout(revisionsKnown, approve, approveHandled));
    }

    private static ObservedMember down(ObservedMember m) {
      return new ObservedMember(
          m.name(),
          m.host(),
          false,
          false,
          MemberState.DOWN,
          0,
          m.configVersion(),
          m.configTerm(),
          null,
          m.oplogSizeMB());
    }

    /** Every pod's template changes: the roll to come. */
    void changeImage() {
      restarts.clear();
      for (ObservedMember m : pods.values()) {
        outdated.put(
            m.host(),
            new PodFacts(
                Reason.ImageChanged,
                "image starling/node:1 to starling/node:2",
                false,
                true,
                null,
                "rv"));
      }
    }

    /** Healthy, caught-up voters now, and members not healthy: what a roll must keep. */
    void checkMajority(String why) {
      ObservedSet o = observe();
      long healthy =
          config.members().stream()
              .filter(ConfigMember::isVoter)
              .filter(m -> ReconfigSafety.healthyAndCaughtUp(m, o))
              .count();
      long down =
          config.members().stream()
              .filter(m -> o.member(m.host()).filter(ObservedMember::healthy).isEmpty())
              .count();
      assertThat(down).as(why + ": members down at once").isLessThanOrEqualTo(1);
      if (config.voterHosts().size() > 1) {
        assertThat(healthy).as(why + ": healthy voters").isGreaterThanOrEqualTo(config.majority());
      }
    }

    /** One heartbeat: configs propagate, syncing members finish, the primary clears marks. */
    void tick() {
      now = now.plusSeconds(10);
      restarting.replaceAll((h, t) -> t - 1);
      restarting.values().removeIf(t -> t <= 0);
      if (config == null) {
        return;
      }
      for (Map.Entry<String, ObservedMember> e : pods.entrySet()) {
        ObservedMember m = e.getValue();
        boolean member = config.member(e.getKey()).isPresent();
        MemberState state = m.state();
        Integer ticks = syncTicks.get(e.getKey());
        if (ticks != null) {
          syncTicks.put(e.getKey(), ticks - 1);
          if (ticks <= 1) {
            syncTicks.remove(e.getKey());
            state = MemberState.SECONDARY;
          }
        }
        if (!member && m.configVersion() > 0) {
          state = MemberState.REMOVED;
        }
        e.setValue(
            new ObservedMember(
                m.name(),
                m.host(),
                false,
                true,
                state,
                member ? 1 : -1,
                member ? config.version() : m.configVersion(),
                member ? config.term() : m.configTerm(),
                member ? Long.valueOf(0) : null,
                member ? (m.oplogSizeMB() == null ? Long.valueOf(990) : m.oplogSizeMB()) : null));
      }
      committedVersion = config.version();
      for (ConfigMember m : config.members()) {
        if (m.newlyAdded() && pods.get(m.host()).state() == MemberState.SECONDARY) {
          install(config.with(unmark(m)).nextVersion(), "node clears newlyAdded of " + m.host());
          return;
        }
      }
    }

    static ConfigMember unmark(ConfigMember m) {
      return new ConfigMember(
          m.id(),
          m.host(),
          m.arbiterOnly(),
          m.priority(),
          m.votes(),
          m.hidden(),
          m.secondaryDelaySecs(),
          m.tags(),
          false);
    }

    /** The primary installs a config: only it has the new version until the next heartbeat. */
    void install(ReplSetConfig next, String why) {
      ReplSetConfig before = config;
      if (before != null) {
        assertThat(next.version()).as(why).isEqualTo(before.version() + 1);
        List<String> changed = new ArrayList<>();
        before.voterHosts().stream()
            .filter(h -> !next.voterHosts().contains(h))
            .forEach(changed::add);
        next.voterHosts().stream()
            .filter(h -> !before.voterHosts().contains(h))
            .forEach(changed::add);
        assertThat(changed).as(why + ": voters changed").hasSizeLessThanOrEqualTo(1);
        assertThat(committedVersion)
            .as(why + ": previous config committed")
            .isEqualTo(before.version());
      }
      config = next;
      ObservedMember p = pods.get(primary);
      pods.put(
          primary,
          new ObservedMember(
              p.name(),
              p.host(),
              false,
              true,
              MemberState.PRIMARY,
              1,
              next.version(),
              next.term(),
              0L,
              p.oplogSizeMB()));
    }

    void apply(Action action) {
      log.add(action.type() + (action.member() == null ? "" : " " + action.member()));
      switch (action) {
        case GrowStatefulSet g -> grow(g.to());
        case ShrinkStatefulSet s -> shrink(s.to());
        case Initiate i -> {
          primary = i.target();
          config = i.config();
          committedVersion = 0;
          pods.replaceAll(
              (h, m) ->
                  new ObservedMember(
                      m.name(),
                      h,
                      false,
                      true,
                      h.equals(primary) ? MemberState.PRIMARY : MemberState.SECONDARY,
                      1,
                      h.equals(primary) ? config.version() : 0,
                      config.term(),
                      0L,
                      990L));
        }
        case AddMember a -> {
          ConfigMember added = a.added();
          ConfigMember marked =
              added.votes() > 0
                  ? new ConfigMember(
                      added.id(),
                      added.host(),
                      false,
                      added.priority(),
                      added.votes(),
                      added.hidden(),
                      added.secondaryDelaySecs(),
                      added.tags(),
                      true)
                  : added;
          assertThat(config.member(added.host())).as("added twice: " + added.host()).isEmpty();
          install(a.next().with(marked), "add " + added.host());
          ObservedMember m = pods.get(added.host());
          pods.put(
              added.host(),
              new ObservedMember(
                  m.name(), m.host(), false, true, MemberState.STARTUP2, 1, 0, 0, null, null));
          syncTicks.put(added.host(), 3);
        }
        case Reconfig r -> install(r.next(), r.describe());
        case StepDown s -> {
          assertThat(s.host()).isEqualTo(primary);
          String next =
              config.members().stream()
                  .filter(m -> m.electable() && !m.newlyAdded() && !m.host().equals(primary))
                  .max(
                      Comparator.comparingDouble(ConfigMember::priority)
                          .thenComparing(ConfigMember::id, Comparator.reverseOrder()))
                  .orElseThrow()
                  .host();
          ObservedMember old = pods.get(primary);
          pods.put(
              primary,
              new ObservedMember(
                  old.name(),
                  old.host(),
                  false,
                  true,
                  MemberState.SECONDARY,
                  1,
                  old.configVersion(),
                  old.configTerm(),
                  0L,
                  old.oplogSizeMB()));
          primary = next;
          ObservedMember p = pods.get(next);
          pods.put(
              next,
              new ObservedMember(
                  p.name(),
                  p.host(),
                  false,
                  true,
                  MemberState.PRIMARY,
                  1,
                  p.configVersion(),
                  p.configTerm(),
                  0L,
                  p.oplogSizeMB()));
          lastStepDown = now;
          stepDowns++;
          if (s.reason() == Reason.RollPrimary && s.annotationValue() != null) {
            approveHandled = s.annotationValue();
          }
          if (s.reason() == Reason.StepDownRequested) {
            stepDownHandled = s.annotationValue();
          }
        }
        case ResizeOplog r -> {
          ObservedMember m = pods.get(r.host());
          pods.put(
              r.host(),
              new ObservedMember(
                  m.name(),
                  m.host(),
                  false,
                  true,
                  m.state(),
                  m.health(),
                  m.configVersion(),
                  m.configTerm(),
                  m.lagSeconds(),
                  (long) r.sizeMB()));
        }
        case SetDefaultWriteConcern w -> cwwc = w.writeConcern();
        case RestartMember r -> {
          String h = host(Integer.parseInt(r.member().substring("orders-".length())));
          assertThat(h).as("restarted the primary").isNotEqualTo(primary);
          assertThat(restarts).as("restarted twice").doesNotContain(r.member());
          assertThat(outdated).as("restarted a current pod").containsKey(h);
          restarts.add(r.member());
          restarting.put(h, 3);
          checkMajority("restart " + r.member());
          outdated.remove(h);
          created.put(h, now);
        }
        case None n -> {}
      }
    }

    /** Plans and acts {@code steps} times, whatever is decided; returns the decisions. */
    List<Decision> run(DesiredSet desired, int steps) {
      List<Decision> decisions = new ArrayList<>();
      for (int step = 0; step < steps; step++) {
        Decision d = Planner.next(desired, observe(), now);
        decisions.add(d);
        if (d instanceof Action a && !(a instanceof None)) {
          apply(a);
        }
        tick();
      }
      return decisions;
    }

    /** Plans and acts until the planner has nothing to do; returns the actions taken. */
    List<String> converge(DesiredSet desired) {
      log.clear();
      for (int step = 0; step < 200; step++) {
        Decision d = Planner.next(desired, observe(), now);
        switch (d) {
          case None n -> {
            return List.copyOf(log);
          }
          case Action a -> apply(a);
          case Wait w -> {}
          case Refusal r -> fail("refused: " + r.describe());
        }
        tick();
        if (!outdated.isEmpty() || !restarting.isEmpty()) {
          checkMajority("after step " + step);
        }
      }
      return fail("no convergence: " + log);
    }
  }

  @Test
  void bringsUpScalesToFiveAndBackToThreeOneVoterAtATime() {
    Sim sim = new Sim(3);
    assertThat(sim.converge(desired(3))).containsExactly("Initiate orders-0");
    assertThat(sim.config.members()).hasSize(3);

    List<String> up = sim.converge(desired(5));
    assertThat(up).containsExactly("GrowStatefulSet", "AddMember orders-3", "AddMember orders-4");
    assertThat(sim.config.voterHosts()).hasSize(5);

    List<String> down = sim.converge(desired(3));
    assertThat(down)
        .containsExactly("RemoveMember orders-4", "RemoveMember orders-3", "ShrinkStatefulSet");
    assertThat(sim.config.members())
        .extracting(ConfigMember::host)
        .containsExactly(host(0), host(1), host(2));
    assertThat(sim.statefulSet).isEqualTo(3);
  }

  @Test
  void stepsTheLeavingPrimaryDownBeforeRemovingIt() {
    Sim sim = new Sim(5);
    sim.converge(desired(5, s -> s.setPreferredPrimary(4)));
    assertThat(sim.primary).isEqualTo(host(4));
    assertThat(sim.config.members()).allMatch(m -> m.priority() == 1);

    List<String> down = sim.converge(desired(3));
    assertThat(down.get(0)).isEqualTo("StepDown orders-4");
    assertThat(down)
        .endsWith("RemoveMember orders-4", "RemoveMember orders-3", "ShrinkStatefulSet");
  }

  @Test
  void movesThePrimaryAndLeavesNoPriorityChanged() {
    Sim sim = new Sim(3);
    sim.converge(desired(3));
    assertThat(sim.primary).isEqualTo(host(0));

    List<String> moves = sim.converge(desired(3, s -> s.setPreferredPrimary(2)));
    assertThat(moves)
        .containsExactly("ChangeMember orders-2", "StepDown orders-0", "ChangeMember orders-2");
    assertThat(sim.primary).isEqualTo(host(2));
    assertThat(sim.config.members()).allMatch(m -> m.priority() == 1);
  }

  @Test
  void appliesSettingsOplogAndWriteConcernOneStepAtATime() {
    Sim sim = new Sim(3);
    sim.converge(desired(3));
    List<String> steps =
        sim.converge(
            desired(
                3,
                s -> {
                  s.setOplogSizeMB(2048);
                  s.setDefaultWriteConcern(
                      dev.starling.operator.api.v1alpha1.WriteConcern.majority());
                  s.getSettings().setHeartbeatIntervalMillis(1000);
                }));
    assertThat(steps)
        .containsExactly(
            "SetDefaultWriteConcern",
            "ReconfigSettings",
            "ResizeOplog orders-1",
            "ResizeOplog orders-2",
            "ResizeOplog orders-0");
    assertThat(sim.pods.values()).allMatch(m -> m.oplogSizeMB() == 2048);
  }

  @Test
  void changesTwoVotersInTwoCommittedReconfigs() {
    Sim sim = new Sim(5);
    sim.converge(desired(5));
    List<String> steps =
        sim.converge(
            desired(
                5,
                s ->
                    s.setMemberConfig(
                        List.of(
                            Fixtures.entry(3, 0, 0, false, 0, Map.of()),
                            Fixtures.entry(4, 0, 0, false, 0, Map.of())))));
    assertThat(steps).containsExactly("ChangeMember orders-3", "ChangeMember orders-4");
    assertThat(sim.config.voterHosts()).containsExactly(host(0), host(1), host(2));
  }

  @Test
  void changeMemberIsTheOnlyKindOfReconfigForSettingsOfOneMember() {
    Sim sim = new Sim(3);
    sim.converge(desired(3));
    List<String> steps =
        sim.converge(
            desired(
                3,
                s ->
                    s.setMemberConfig(
                        List.of(Fixtures.entry(2, 0, 1, true, 3600, Map.of("use", "backup"))))));
    assertThat(steps).containsExactly("ChangeMember orders-2");
    assertThat(sim.config.member(host(2)).orElseThrow())
        .satisfies(
            m -> {
              assertThat(m.hidden()).isTrue();
              assertThat(m.secondaryDelaySecs()).isEqualTo(3600);
            });
  }

  // ---- the roller ----

  private static Sim ready(int members) {
    Sim sim = new Sim(members);
    sim.converge(desired(members));
    assertThat(sim.primary).isEqualTo(host(0));
    return sim;
  }

  @Test
  void rollsThreeMembersSecondariesFirstAndThePrimaryLastAfterOneStepDown() {
    Sim sim = ready(3);
    sim.changeImage();
    List<String> steps = sim.converge(desired(3));
    assertThat(steps)
        .containsExactly(
            "RestartMember orders-2",
            "RestartMember orders-1",
            "StepDown orders-0",
            "RestartMember orders-0");
    assertThat(sim.stepDowns).isEqualTo(1);
    assertThat(sim.outdated).isEmpty();
  }

  @Test
  void rollsFiveMembersMostLaggedFirst() {
    Sim sim = ready(5);
    sim.changeImage();
    ObservedMember lagging = sim.pods.get(host(1));
    sim.pods.put(
        host(1),
        new ObservedMember(
            lagging.name(),
            lagging.host(),
            false,
            true,
            MemberState.SECONDARY,
            1,
            lagging.configVersion(),
            lagging.configTerm(),
            4L,
            lagging.oplogSizeMB()));
    Decision first = Planner.next(desired(5), sim.observe(), sim.now);
    assertThat(first).isInstanceOf(RestartMember.class);
    assertThat(((RestartMember) first).member()).isEqualTo("orders-1");
    assertThat(((RestartMember) first).reason()).isEqualTo(Reason.ImageChanged);

    List<String> steps = sim.converge(desired(5));
    assertThat(steps).hasSize(6).endsWith("StepDown orders-0", "RestartMember orders-0");
    assertThat(sim.restarts)
        .containsExactlyInAnyOrder("orders-0", "orders-1", "orders-2", "orders-3", "orders-4");
    assertThat(sim.stepDowns).isEqualTo(1);
  }

  @Test
  void aSecondaryAlreadyDownStopsTheRollUntilItReturns() {
    Sim sim = ready(3);
    sim.changeImage();
    ObservedMember m = sim.pods.get(host(1));
    sim.pods.put(host(1), Sim.down(m));
    List<Decision> waits = sim.run(desired(3), 5);
    assertThat(waits)
        .allSatisfy(
            d -> {
              assertThat(d).isInstanceOf(Wait.class);
              assertThat(((Wait) d).cause()).isEqualTo(Wait.Cause.MemberUnhealthy);
              assertThat(((Wait) d).text()).startsWith("orders-1 to be healthy");
            });
    assertThat(sim.restarts).isEmpty();

    sim.pods.put(host(1), m);
    sim.converge(desired(3));
    assertThat(sim.restarts).containsExactly("orders-2", "orders-1", "orders-0");
  }

  @Test
  void aSupervisedRollStopsBeforeThePrimaryUntilANewApproveValue() {
    Sim sim = ready(3);
    DesiredSet supervised =
        desired(3, s -> s.getUpdateStrategy().setType(UpdateStrategy.Type.Supervised));
    sim.changeImage();
    List<Decision> decisions = sim.run(supervised, 12);
    assertThat(sim.restarts).containsExactly("orders-2", "orders-1");
    Decision last = decisions.get(decisions.size() - 1);
    assertThat(last).isInstanceOf(Wait.class);
    assertThat(((Wait) last).cause()).isEqualTo(Wait.Cause.AwaitingApproval);
    assertThat(sim.stepDowns).isZero();

    sim.approve = "go";
    List<String> rest = sim.converge(supervised);
    assertThat(rest).containsExactly("StepDown orders-0", "RestartMember orders-0");
    assertThat(sim.approveHandled).isEqualTo("go");

    // The next roll needs a new value: the old one was spent.
    sim.changeImage();
    sim.run(supervised, 12);
    assertThat(sim.stepDowns).isEqualTo(1);
  }

  @Test
  void pacingKeepsTheRestartsApart() {
    Sim sim = ready(3);
    DesiredSet paced = desired(3, s -> s.getUpdateStrategy().setPacingSeconds(60));
    sim.changeImage();
    List<Decision> decisions = sim.run(paced, 5);
    assertThat(sim.restarts).containsExactly("orders-2");
    assertThat(decisions)
        .filteredOn(d -> d instanceof Wait w && w.cause() == Wait.Cause.Pacing)
        .isNotEmpty();
    sim.converge(paced);
    assertThat(sim.restarts).containsExactly("orders-2", "orders-1", "orders-0");
  }

  @Test
  void waitsForTheStatefulSetControllerToRecordTheTemplate() {
    Sim sim = ready(3);
    sim.changeImage();
    sim.revisionsKnown = false;
    Decision d = Planner.next(desired(3), sim.observe(), sim.now);
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(((Wait) d).cause()).isEqualTo(Wait.Cause.StatefulSetUpdating);
  }

  @Test
  void aTwoVoterSetWaitsRatherThanLoseItsMajority() {
    Sim sim = ready(2);
    sim.changeImage();
    Decision d = Planner.next(desired(2), sim.observe(), sim.now);
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(((Wait) d).cause()).isEqualTo(Wait.Cause.MajorityWouldBeLost);
    assertThat(((Wait) d).text()).contains("1 of 2 voters would stay, 2 needed");
  }

  @Test
  void aOneMemberSetRestartsItsOnlyMember() {
    Sim sim = ready(1);
    sim.changeImage();
    Decision d = Planner.next(desired(1), sim.observe(), sim.now);
    assertThat(d).isInstanceOf(RestartMember.class);
    assertThat(((RestartMember) d).detail()).contains("the only member");
  }

  @Test
  void thePreferredPrimaryIsNotBoostedDuringARollAndMovedBackAfterIt() {
    Sim sim = new Sim(3);
    DesiredSet preferred = desired(3, s -> s.setPreferredPrimary(0));
    sim.converge(preferred);
    assertThat(sim.primary).isEqualTo(host(0));
    sim.changeImage();
    List<String> steps = sim.converge(preferred);
    assertThat(steps)
        .containsExactly(
            "RestartMember orders-2",
            "RestartMember orders-1",
            "StepDown orders-0",
            "RestartMember orders-0",
            "ChangeMember orders-0",
            "StepDown orders-1",
            "ChangeMember orders-0");
    assertThat(sim.primary).isEqualTo(host(0));
  }

  @Test
  void kubectlScaleDuringARollAddsMembersOnTheNewTemplateAndTheRollStillEndsWithThePrimary() {
    Sim sim = ready(3);
    sim.changeImage();
    sim.run(desired(3), 1);
    assertThat(sim.restarts).containsExactly("orders-2");
    // The SRE scales to 5 in the middle of the roll: the new pods start on the new template.
    List<String> steps = sim.converge(desired(5));
    assertThat(steps).contains("GrowStatefulSet", "AddMember orders-3", "AddMember orders-4");
    assertThat(sim.restarts)
        .as("each old pod once, the new ones never")
        .containsExactly("orders-2", "orders-1", "orders-0");
    assertThat(steps).endsWith("StepDown orders-0", "RestartMember orders-0");
    assertThat(sim.stepDowns).isEqualTo(1);
    assertThat(sim.outdated).isEmpty();
    assertThat(sim.config.members()).hasSize(5);
  }

  @Test
  void aStepDownAskedForDuringARollIsHonouredAndTheRollFinishesOnTheNewPrimary() {
    Sim sim = ready(3);
    sim.changeImage();
    sim.run(desired(3), 1);
    assertThat(sim.restarts).containsExactly("orders-2");
    sim.stepDownRequested = "sre-1";
    List<String> steps = sim.converge(desired(3));
    assertThat(sim.stepDownHandled).isEqualTo("sre-1");
    assertThat(sim.restarts)
        .containsExactlyInAnyOrder("orders-2", "orders-1", "orders-0")
        .doesNotHaveDuplicates();
    // Whoever is primary when only it is left steps down for the roll, then restarts last.
    assertThat(steps.get(steps.size() - 1)).startsWith("RestartMember");
    assertThat(steps.get(steps.size() - 2)).startsWith("StepDown");
    assertThat(sim.outdated).isEmpty();
  }

  @Test
  void aMemberBackInTheSetWaitsForItsPodToBeReadyBeforeTheNextRestart() {
    Sim sim = ready(3);
    sim.changeImage();
    ObservedMember m = sim.pods.get(host(2));
    sim.outdated.put(host(2), new PodFacts(null, null, false, false, Fixtures.NOW, "rv"));
    Decision d = Planner.next(desired(3), sim.observe(), sim.now);
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(((Wait) d).cause()).isEqualTo(Wait.Cause.MemberRestarting);
    assertThat(((Wait) d).text()).isEqualTo(m.name() + "'s pod to pass its readiness probe");
  }
}
