package dev.starling.operator.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The majority-safe rules every planned reconfig must pass: it changes at most one voter, and when
 * it changes one, a majority of the new voters is healthy and caught up.
 */
public final class ReconfigSafety {
  /** A secondary this far behind the primary (beyond its configured delay) is caught up. */
  public static final long CAUGHT_UP_LAG_SECONDS = 10;

  private ReconfigSafety() {}

  /**
   * Reachable, serving its role, and (a data-bearing secondary) no more than {@link
   * #CAUGHT_UP_LAG_SECONDS} behind the primary beyond its {@code secondaryDelaySecs}.
   */
  public static boolean healthyAndCaughtUp(ConfigMember member, ObservedSet observed) {
    Optional<ObservedMember> o = observed.member(member.host());
    if (o.isEmpty() || !o.get().healthy()) {
      return false;
    }
    if (member.arbiterOnly() || member.host().equals(observed.primary())) {
      return true;
    }
    Long lag = o.get().lagSeconds();
    return lag != null && lag <= member.secondaryDelaySecs() + CAUGHT_UP_LAG_SECONDS;
  }

  /**
   * The voters of {@code next} as the node will count them once it is installed: a data member new
   * in {@code next} joins newlyAdded and does not vote yet; a new arbiter votes at once.
   */
  static Set<String> votersAfter(ReplSetConfig current, ReplSetConfig next) {
    Set<String> voters = new LinkedHashSet<>();
    for (ConfigMember m : next.members()) {
      if (m.isVoter() && (m.arbiterOnly() || current.member(m.host()).isPresent())) {
        voters.add(m.host());
      }
    }
    return voters;
  }

  /** A refusal when replacing {@code current} by {@code next} breaks a majority-safe rule. */
  public static Optional<Refusal> check(
      ReplSetConfig current, ReplSetConfig next, ObservedSet observed) {
    Set<String> before = current.voterHosts();
    Set<String> after = votersAfter(current, next);
    List<String> changed = new ArrayList<>();
    before.stream().filter(h -> !after.contains(h)).forEach(h -> changed.add(Describe.pod(h)));
    after.stream().filter(h -> !before.contains(h)).forEach(h -> changed.add(Describe.pod(h)));
    if (changed.size() > 1) {
      return Optional.of(
          new Refusal(
              Refusal.Cause.TwoVotersInOneReconfig,
              "the next config would change the votes of "
                  + String.join(" and ", changed)
                  + " at once; a reconfig may change one voter"));
    }
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    int majority = after.size() / 2 + 1;
    List<String> healthy = new ArrayList<>();
    for (String host : after) {
      ConfigMember m = next.member(host).orElseThrow();
      if (healthyAndCaughtUp(m, observed)) {
        healthy.add(Describe.pod(host));
      }
    }
    if (healthy.size() < majority) {
      return Optional.of(
          new Refusal(
              Refusal.Cause.WouldLoseMajority,
              "changing the votes of "
                  + changed.get(0)
                  + " would leave "
                  + healthy.size()
                  + " healthy, caught-up voters of "
                  + after.size()
                  + " ("
                  + (healthy.isEmpty() ? "none" : String.join(", ", healthy))
                  + "), fewer than the majority of "
                  + majority
                  + "; waiting for the members to recover"));
    }
    return Optional.empty();
  }
}
