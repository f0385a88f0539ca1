package dev.starling.operator.observe;

import static dev.starling.operator.observe.NodeReplies.config;
import static dev.starling.operator.observe.NodeReplies.configMember;
import static dev.starling.operator.observe.NodeReplies.hello;
import static dev.starling.operator.observe.NodeReplies.helloWithoutConfig;
import static dev.starling.operator.observe.NodeReplies.host;
import static dev.starling.operator.observe.NodeReplies.implicitDefaultRWConcern;
import static dev.starling.operator.observe.NodeReplies.oplogStats;
import static dev.starling.operator.observe.NodeReplies.status;
import static dev.starling.operator.observe.NodeReplies.statusMember;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.plan.DefaultWriteConcern;
import dev.starling.operator.plan.MemberState;
import dev.starling.operator.plan.ObservedMember;
import dev.starling.operator.plan.ObservedSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class ObservationBuilderTest {
  /** The primary's replSetGetStatus of a healthy 3-member set, orders-0 primary at t=1000 s. */
  private static BsonDocument primaryStatus(int lag1, int lag2) {
    return status(
        1,
        2,
        List.of(
            statusMember(0, host(0), 1, "PRIMARY", 1, 1000).append("self", BsonBoolean.TRUE),
            statusMember(1, host(1), 2, "SECONDARY", 1, 1000 - lag1),
            statusMember(2, host(2), 2, "SECONDARY", 1, 1000 - lag2)));
  }

  private static MemberReplies primary(BsonDocument status, BsonDocument config) {
    return new MemberReplies(
        "orders-0",
        host(0),
        false,
        hello(true, false, 1000),
        status,
        null,
        config,
        oplogStats(990),
        implicitDefaultRWConcern());
  }

  private static MemberReplies secondary(int ordinal, int lastWrite, BsonDocument config) {
    return new MemberReplies(
        "orders-" + ordinal,
        host(ordinal),
        false,
        hello(false, true, lastWrite),
        status(2, 2, List.of()),
        null,
        config,
        oplogStats(990),
        implicitDefaultRWConcern());
  }

  private static ObservedSet build(List<MemberReplies> replies) {
    return ObservationBuilder.build(replies, SetFacts.sizes(3, 0)).set();
  }

  @Test
  void healthySetIsObservedWithThePrimarysConfigAndNoLag() {
    BsonDocument config = config(5, 2, 3);
    Observation o =
        ObservationBuilder.build(
            List.of(
                primary(primaryStatus(0, 0), config),
                secondary(1, 1000, config),
                secondary(2, 1000, config)),
            new SetFacts(
                3,
                0,
                java.util.Map.of(),
                dev.starling.operator.plan.Rollout.NONE,
                "v1",
                "v0",
                Instant.parse("2026-12-04T12:00:00Z")));

    ObservedSet set = o.set();
    assertThat(set.primary()).isEqualTo(host(0));
    assertThat(set.config().version()).isEqualTo(5);
    assertThat(set.config().term()).isEqualTo(2);
    assertThat(set.config().members()).hasSize(3);
    assertThat(set.statefulSetReplicas()).isEqualTo(3);
    assertThat(set.stepDownPending()).isTrue();
    assertThat(set.lastStepDown()).isEqualTo(Instant.parse("2026-12-04T12:00:00Z"));
    assertThat(set.defaultWriteConcern()).as("an implicit default is no default").isNull();
    assertThat(o.term()).isEqualTo(2);
    assertThat(o.configDocument()).isSameAs(config);
    assertThat(set.members())
        .extracting(ObservedMember::state)
        .containsExactly(MemberState.PRIMARY, MemberState.SECONDARY, MemberState.SECONDARY);
    for (ObservedMember m : set.members()) {
      assertThat(m.reachable()).isTrue();
      assertThat(m.health()).isEqualTo(1);
      assertThat(m.lagSeconds()).isZero();
      assertThat(m.oplogSizeMB()).isEqualTo(990);
      assertThat(m.has(set.config())).isTrue();
    }
  }

  @Test
  void lagIsThePrimarysOptimeMinusTheNewerOfThePrimarysViewAndTheMembersOwn() {
    BsonDocument config = config(5, 2, 3);
    ObservedSet set =
        build(
            List.of(
                primary(primaryStatus(12, 30), config),
                // orders-1 has applied more than the primary heard of: its own hello wins.
                secondary(1, 995, config),
                secondary(2, 900, config)));

    assertThat(set.member(host(1)).orElseThrow().lagSeconds()).isEqualTo(5);
    assertThat(set.member(host(2)).orElseThrow().lagSeconds()).isEqualTo(30);
  }

  @Test
  void anUnreachableMemberIsDownWhenThePrimarySaysSo() {
    BsonDocument config = config(5, 2, 3);
    BsonDocument status =
        status(
            1,
            2,
            List.of(
                statusMember(0, host(0), 1, "PRIMARY", 1, 1000).append("self", BsonBoolean.TRUE),
                statusMember(1, host(1), 2, "SECONDARY", 1, 1000),
                statusMember(2, host(2), 8, "(not reachable/healthy)", 0, 800)));
    ObservedSet set =
        build(
            List.of(
                primary(status, config),
                secondary(1, 1000, config),
                MemberReplies.unreachable("orders-2", host(2), false)));

    ObservedMember down = set.member(host(2)).orElseThrow();
    assertThat(down.reachable()).isFalse();
    assertThat(down.state()).isEqualTo(MemberState.DOWN);
    assertThat(down.health()).isZero();
    assertThat(down.healthy()).isFalse();
    assertThat(down.lagSeconds()).isEqualTo(200);
    assertThat(down.configVersion()).isZero();
    assertThat(down.oplogSizeMB()).isNull();
  }

  @Test
  void podsThatWereNeverInitiatedAreStartupWithoutConfigOrHealth() {
    List<MemberReplies> replies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replies.add(
          new MemberReplies(
              "orders-" + i,
              host(i),
              false,
              helloWithoutConfig(),
              null,
              ObservationBuilder.NOT_YET_INITIALIZED,
              null,
              oplogStats(990),
              null));
    }
    Observation o = ObservationBuilder.build(replies, SetFacts.sizes(3, 0));

    assertThat(o.set().initiated()).isFalse();
    assertThat(o.set().primary()).isNull();
    assertThat(o.term()).isNull();
    assertThat(o.configDocument()).isNull();
    for (ObservedMember m : o.set().members()) {
      assertThat(m.reachable()).isTrue();
      assertThat(m.state()).isEqualTo(MemberState.STARTUP);
      assertThat(m.health()).isEqualTo(-1);
      assertThat(m.hasConfig()).isFalse();
      assertThat(m.lagSeconds()).isNull();
    }
  }

  @Test
  void withoutAPrimaryTheNewestConfigIsTakenAndHealthAndLagAreUnknown() {
    BsonDocument older = config(5, 2, 3);
    BsonDocument newer = config(6, 2, 3);
    MemberReplies a =
        new MemberReplies(
            "orders-0",
            host(0),
            false,
            hello(false, true, 1000),
            status(2, 3, List.of()),
            null,
            older,
            oplogStats(990),
            null);
    MemberReplies b =
        new MemberReplies(
            "orders-1",
            host(1),
            false,
            hello(false, true, 1000),
            status(2, 2, List.of()),
            null,
            newer,
            oplogStats(990),
            null);
    Observation o =
        ObservationBuilder.build(
            List.of(a, b, MemberReplies.unreachable("orders-2", host(2), false)),
            SetFacts.sizes(3, 0));

    assertThat(o.set().primary()).isNull();
    assertThat(o.set().config().version()).isEqualTo(6);
    assertThat(o.term()).as("the highest term any member reports").isEqualTo(3);
    assertThat(o.set().members()).allSatisfy(m -> assertThat(m.health()).isEqualTo(-1));
    assertThat(o.set().members()).allSatisfy(m -> assertThat(m.lagSeconds()).isNull());
    assertThat(o.set().member(host(2)).orElseThrow().state()).isEqualTo(MemberState.UNKNOWN);
  }

  @Test
  void aNewPodOutsideTheConfigHasNoLagAndNoHealth() {
    BsonDocument config = config(5, 2, 3);
    MemberReplies newPod =
        new MemberReplies(
            "orders-3",
            host(3),
            false,
            helloWithoutConfig(),
            null,
            ObservationBuilder.NOT_YET_INITIALIZED,
            null,
            oplogStats(990),
            null);
    ObservedSet set =
        build(
            List.of(
                primary(primaryStatus(0, 0), config),
                secondary(1, 1000, config),
                secondary(2, 1000, config),
                newPod));

    ObservedMember m = set.member(host(3)).orElseThrow();
    assertThat(m.state()).isEqualTo(MemberState.STARTUP);
    assertThat(m.health()).isEqualTo(-1);
    assertThat(m.lagSeconds()).isNull();
    assertThat(set.config().member(host(3))).isEmpty();
  }

  @Test
  void aStalePrimaryLosesToTheOneOfTheHigherTerm() {
    BsonDocument config = config(5, 2, 3);
    BsonDocument newConfig = config(5, 3, 3);
    MemberReplies stale =
        new MemberReplies(
            "orders-0",
            host(0),
            false,
            hello(true, false, 1000),
            status(1, 2, List.of()),
            null,
            config,
            oplogStats(990),
            null);
    MemberReplies current =
        new MemberReplies(
            "orders-1",
            host(1),
            false,
            hello(true, false, 1010),
            status(1, 3, List.of()),
            null,
            newConfig,
            oplogStats(990),
            null);

    Observation o =
        ObservationBuilder.build(
            List.of(stale, current, MemberReplies.unreachable("orders-2", host(2), false)),
            SetFacts.sizes(3, 0));

    assertThat(o.set().primary()).isEqualTo(host(1));
    assertThat(o.configDocument()).isSameAs(newConfig);
    assertThat(o.term()).isEqualTo(3);
  }

  @Test
  void newlyAddedMarksAreRead() {
    BsonDocument config =
        config(
            6,
            2,
            List.of(
                configMember(0, host(0)),
                configMember(1, host(1)),
                configMember(2, host(2)),
                configMember(3, host(3)).append("newlyAdded", BsonBoolean.TRUE)));
    ObservedSet set = build(List.of(primary(primaryStatus(0, 0), config)));

    assertThat(set.config().member(host(3)).orElseThrow().newlyAdded()).isTrue();
    assertThat(set.config().voterHosts()).doesNotContain(host(3));
  }

  @Test
  void aGlobalDefaultWriteConcernIsReadWithItsNumberOrString() {
    assertThat(
            ObservationBuilder.defaultWriteConcern(
                NodeReplies.globalDefaultRWConcern(
                    new BsonDocument("w", new BsonString("majority"))
                        .append("wtimeout", new BsonInt32(0)))))
        .isEqualTo(new DefaultWriteConcern("majority", null, 0));
    assertThat(
            ObservationBuilder.defaultWriteConcern(
                NodeReplies.globalDefaultRWConcern(
                    new BsonDocument("w", new BsonInt32(2)).append("j", BsonBoolean.TRUE))))
        .isEqualTo(new DefaultWriteConcern(2, true, null));
    assertThat(ObservationBuilder.defaultWriteConcern(implicitDefaultRWConcern())).isNull();
  }

  @Test
  void anArbiterIsArbiterWithoutOplog() {
    BsonDocument config =
        config(
            5,
            2,
            List.of(
                configMember(0, host(0)),
                configMember(1, host(1)),
                configMember(50, NodeReplies.arbiterHost(0))
                    .append("arbiterOnly", BsonBoolean.TRUE)
                    .append("priority", new org.bson.BsonDouble(0))));
    MemberReplies arbiter =
        new MemberReplies(
            "orders-arbiter-0",
            NodeReplies.arbiterHost(0),
            true,
            hello(false, false, 0).append("arbiterOnly", BsonBoolean.TRUE),
            status(7, 2, List.of()),
            null,
            config,
            null,
            null);
    ObservedSet set = build(List.of(primary(primaryStatus(0, 0), config), arbiter));

    ObservedMember a = set.member(NodeReplies.arbiterHost(0)).orElseThrow();
    assertThat(a.arbiter()).isTrue();
    assertThat(a.state()).isEqualTo(MemberState.ARBITER);
    assertThat(a.oplogSizeMB()).isNull();
    assertThat(set.config().member(NodeReplies.arbiterHost(0)).orElseThrow().arbiterOnly())
        .isTrue();
  }
}
