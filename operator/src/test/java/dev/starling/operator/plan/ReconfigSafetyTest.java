package dev.starling.operator.plan;

import static dev.starling.operator.plan.Fixtures.host;
import static dev.starling.operator.plan.Fixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The safety net under every planned reconfig, fed candidate configs directly. */
class ReconfigSafetyTest {
  record Case(Fixtures.Observed observed, UnaryOperator<ReplSetConfig> change) {}

  static Arguments when(
      String name,
      Fixtures.Observed observed,
      UnaryOperator<ReplSetConfig> change,
      Refusal.Cause expected) {
    return Arguments.of(Named.of(name, new Case(observed, change)), Optional.ofNullable(expected));
  }

  static ConfigMember nonVoter(ReplSetConfig c, int ordinal) {
    return c.member(host(ordinal)).orElseThrow().withSettings(0, 0, false, 0, Map.of());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        when(
            "refuses two voters in one reconfig: two members lose their vote",
            observed(5),
            c -> c.with(nonVoter(c, 3)).with(nonVoter(c, 4)).nextVersion(),
            Refusal.Cause.TwoVotersInOneReconfig),
        when(
            "refuses two voters in one reconfig: two members removed",
            observed(5),
            c -> c.without(host(3)).without(host(4)).nextVersion(),
            Refusal.Cause.TwoVotersInOneReconfig),
        when(
            "refuses two voters in one reconfig: one removed, an arbiter added",
            observed(3),
            c ->
                c.without(host(2))
                    .with(ConfigMember.arbiter(50, Fixtures.arbiterHost(0)))
                    .nextVersion(),
            Refusal.Cause.TwoVotersInOneReconfig),
        when(
            "allows two data members added at once: both join newlyAdded, not voting yet",
            observed(3),
            c ->
                c.with(ConfigMember.of(3, host(3))).with(ConfigMember.of(4, host(4))).nextVersion(),
            null),
        when(
            "refuses removing a healthy voter when another is down",
            observed(3).down(2),
            c -> c.without(host(1)).nextVersion(),
            Refusal.Cause.WouldLoseMajority),
        when(
            "allows removing the voter that is down",
            observed(3).down(2),
            c -> c.without(host(2)).nextVersion(),
            null),
        when(
            "a lagging secondary does not count as caught up",
            observed(3).lag(1, 60),
            c -> c.without(host(2)).nextVersion(),
            Refusal.Cause.WouldLoseMajority),
        when(
            "a delayed member is caught up when it lags by its delay only",
            observed(4)
                .down(2)
                .lag(1, 60)
                .lag(3, 3600)
                .configMember(3, m -> m.withSettings(0, 1, true, 3600, Map.of())),
            c -> c.without(host(2)).nextVersion(),
            null),
        when(
            "settings of one member, voters unchanged, pass while members are down",
            observed(3).down(1).down(2),
            c -> c.with(c.member(host(0)).orElseThrow().withPriority(5)).nextVersion(),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judges(Case c, Optional<Refusal.Cause> expected) {
    ObservedSet o = c.observed().build();
    Optional<Refusal> refusal = ReconfigSafety.check(o.config(), c.change().apply(o.config()), o);
    assertThat(refusal.map(Refusal::cause)).isEqualTo(expected);
  }
}
