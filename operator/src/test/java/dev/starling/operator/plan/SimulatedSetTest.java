package dev.starling.operator.plan;

import static dev.starling.operator.plan.Fixtures.desired;
import static dev.starling.operator.plan.Fixtures.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.starling.operator.plan.Action.AddMember;
import dev.starling.operator.plan.Action.GrowStatefulSet;
import dev.starling.operator.plan.Action.Initiate;
import dev.starling.operator.plan.Action.None;
import dev.starling.operator.plan.Action.Reconfig;
import dev.starling.operator.plan.Action.ResizeOplog;
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
      return new ObservedSet(
          new ArrayList<>(pods.values()),
          config,
          primary,
          statefulSet,
          0,
          cwwc,
          null,
          null,
          lastStepDown);
    }

    /** One heartbeat: configs propagate, syncing members finish, the primary clears marks. */
    void tick() {
      now = now.plusSeconds(10);
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
        case None n -> {}
      }
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
}
