package dev.starling.operator.plan;

import dev.starling.operator.plan.Action.RestartMember;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The roller: restarts the members whose pods do not run their StatefulSet's current template (a
 * new image, resources, node config or probes). The StatefulSets use {@code OnDelete}, so a pod
 * changes only when the operator deletes it and the StatefulSet controller recreates it. Pure, as
 * the {@link Planner} that calls it: a function of the spec, one observation and the time. An
 * operator killed mid-roll therefore resumes from what it observes, and a member whose pod already
 * runs the current template is never restarted again for the same change.
 *
 * <p>One step per reconcile; the first that applies is returned:
 *
 * <ol>
 *   <li>No member of the config has an outdated pod: nothing to roll.
 *   <li>The StatefulSet controller has not yet recorded the new template: wait {@code
 *       StatefulSetUpdating} (until it has, a pod's revision says nothing).
 *   <li>Every member of the config must be healthy and caught up (lag within {@link
 *       ReconfigSafety#CAUGHT_UP_LAG_SECONDS} of its delay), and its pod Ready (what the
 *       PodDisruptionBudget counts), before anyone restarts: a member the roll restarted and that
 *       is not back yet is waited for ({@code MemberRestarting}); a member down or behind on its
 *       own stops the roll ({@code MemberUnhealthy}) until it returns. The roll never restarts a
 *       member that is down, nor another one while it is down.
 *   <li>Less than {@code updateStrategy.pacingSeconds} since the newest restarted pod was created:
 *       wait {@code Pacing}.
 *   <li>Members other than the primary, most-lagged first (then the highest member id): the first
 *       is restarted only if the healthy, caught-up voters without it still form a majority of the
 *       config's voters, else wait {@code MajorityWouldBeLost}. An arbiter, a hidden or a delayed
 *       member is restarted like any other.
 *   <li>Only the primary is left. A set with one data member and no arbiter has no one to hand over
 *       to: its member is restarted (the set is unavailable while it restarts; there is no other
 *       way).
 *   <li>A Supervised roll waits for a new {@code starling.dev/approve} value ({@code
 *       AwaitingApproval}).
 *   <li>The primary steps down, never forced, with a catch-up period, once an electable secondary
 *       is caught up (else the planner waits {@code NoElectableSecondary}). The next pass finds it
 *       a secondary and restarts it in step 5.
 * </ol>
 *
 * <p>Each restart's reason says what changed in the pod ({@link Reason#ImageChanged}, {@link
 * Reason#ResourcesChanged}, {@link Reason#NodeConfigChanged}, {@link Reason#PodTemplateChanged});
 * each wait has its {@link Wait.Cause}. Both reach the status and an Event through the reconciler.
 */
final class Roller {
  private final DesiredSet desired;
  private final ObservedSet observed;
  private final Instant now;
  private final ReplSetConfig config;
  private final Function<String, Optional<Decision>> stepDown;

  /**
   * @param stepDown the planner's non-forced step-down for {@link Reason#RollPrimary}, given the
   *     approve value it handles (null when none is needed)
   */
  Roller(
      DesiredSet desired,
      ObservedSet observed,
      Instant now,
      Function<String, Optional<Decision>> stepDown) {
    this.desired = desired;
    this.observed = observed;
    this.now = now;
    this.config = observed.config();
    this.stepDown = stepDown;
  }

  Optional<Decision> next() {
    // 1
    List<ConfigMember> outdated =
        config.members().stream()
            .filter(m -> pod(m).map(PodFacts::outdated).orElse(false))
            .toList();
    if (outdated.isEmpty()) {
      return Optional.empty();
    }
    // 2
    if (!observed.rollout().revisionsKnown()) {
      return wait(
          Wait.Cause.StatefulSetUpdating,
          "the StatefulSet controller to record the new pod template");
    }
    // 3
    for (ConfigMember m : config.members()) {
      Optional<Decision> back = back(m);
      if (back.isPresent()) {
        return back;
      }
    }
    // 4
    Optional<Decision> pacing = pacing();
    if (pacing.isPresent()) {
      return pacing;
    }
    // 5
    Optional<ConfigMember> next =
        outdated.stream()
            .filter(m -> !m.host().equals(observed.primary()))
            .min(
                Comparator.comparingLong((ConfigMember m) -> -lagOf(m))
                    .thenComparing(ConfigMember::id, Comparator.reverseOrder()));
    if (next.isPresent()) {
      return Optional.of(restartIfMajorityStays(next.get()));
    }
    ConfigMember primary = outdated.get(0);
    // 6
    boolean alone = config.members().stream().noneMatch(m -> !m.host().equals(primary.host()));
    if (alone) {
      return Optional.of(restart(primary, " (the only member: the set is down while it restarts)"));
    }
    // 7
    if (desired.supervised() && !observed.rollout().approvalPending()) {
      return wait(
          Wait.Cause.AwaitingApproval,
          "a new starling.dev/approve value to restart primary "
              + Describe.pod(primary.host())
              + " (updateStrategy Supervised; every other member is restarted)");
    }
    // 8
    return stepDown.apply(desired.supervised() ? observed.rollout().approveRequested() : null);
  }

  private Optional<PodFacts> pod(ConfigMember m) {
    return observed.member(m.host()).map(ObservedMember::pod);
  }

  /** A wait while {@code m} is not back: healthy and caught up. */
  private Optional<Decision> back(ConfigMember m) {
    String name = Describe.pod(m.host());
    Optional<ObservedMember> o = observed.member(m.host());
    if (ReconfigSafety.healthyAndCaughtUp(m, observed)) {
      return o.get().pod().ready()
          ? Optional.empty()
          : wait(Wait.Cause.MemberRestarting, name + "'s pod to pass its readiness probe");
    }
    if (o.isEmpty()) {
      return wait(Wait.Cause.MemberRestarting, name + "'s pod to be recreated");
    }
    PodFacts pod = o.get().pod();
    if (pod.terminating()) {
      return wait(Wait.Cause.MemberRestarting, name + " to stop for its restart");
    }
    String how = describe(o.get());
    if (!pod.outdated()) {
      return wait(
          Wait.Cause.MemberRestarting, name + " to be back, healthy and caught up (" + how + ")");
    }
    return wait(
        Wait.Cause.MemberUnhealthy,
        name + " to be healthy and caught up before the roll restarts anyone (" + how + ")");
  }

  private static String describe(ObservedMember o) {
    String state = !o.reachable() ? "unreachable" : o.health() == 0 ? "down" : o.state().name();
    return o.lagSeconds() == null || o.lagSeconds() == 0
        ? state
        : state + ", lag " + o.lagSeconds() + " s";
  }

  private Optional<Decision> pacing() {
    int pacing = desired.pacingSeconds();
    if (pacing <= 0) {
      return Optional.empty();
    }
    Optional<ObservedMember> newest =
        observed.members().stream()
            .filter(m -> !m.pod().outdated() && m.pod().created() != null)
            .max(Comparator.comparing(m -> m.pod().created()));
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    Instant until = newest.get().pod().created().plusSeconds(pacing);
    if (!now.isBefore(until)) {
      return Optional.empty();
    }
    return wait(
        Wait.Cause.Pacing,
        pacing + " s of pacing after " + newest.get().name() + " restarted (until " + until + ")");
  }

  private static long lagOf(ObservedMember o) {
    return o.lagSeconds() == null ? Long.MAX_VALUE : o.lagSeconds();
  }

  private long lagOf(ConfigMember m) {
    return observed.member(m.host()).map(Roller::lagOf).orElse(Long.MAX_VALUE);
  }

  private Decision restartIfMajorityStays(ConfigMember m) {
    if (!m.isVoter()) {
      return restart(m, "");
    }
    long others =
        config.members().stream()
            .filter(v -> v.isVoter() && !v.host().equals(m.host()))
            .filter(v -> ReconfigSafety.healthyAndCaughtUp(v, observed))
            .count();
    int voters = (int) config.members().stream().filter(ConfigMember::isVoter).count();
    if (others < config.majority()) {
      return new Wait(
          Wait.Cause.MajorityWouldBeLost,
          "a way to restart "
              + Describe.pod(m.host())
              + " without losing the majority: "
              + others
              + " of "
              + voters
              + " voters would stay, "
              + config.majority()
              + " needed (add a member or an arbiter)");
    }
    return restart(m, "");
  }

  private Decision restart(ConfigMember m, String note) {
    ObservedMember o = observed.member(m.host()).orElseThrow();
    PodFacts pod = o.pod();
    return new RestartMember(
        o.name(), pod.resourceVersion(), pod.restartDetail() + note, pod.restartReason());
  }

  private static Optional<Decision> wait(Wait.Cause cause, String text) {
    return Optional.of(new Wait(cause, text));
  }
}
