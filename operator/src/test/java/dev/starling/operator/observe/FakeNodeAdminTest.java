package dev.starling.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.mongodb.MongoCommandException;
import dev.starling.operator.api.v1alpha1.Conditions;
import dev.starling.operator.api.v1alpha1.MemberConfig;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetStatus;
import dev.starling.operator.api.v1alpha1.WriteConcern;
import dev.starling.operator.model.Labels;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.plan.Action;
import dev.starling.operator.plan.Decision;
import dev.starling.operator.plan.DefaultWriteConcern;
import dev.starling.operator.plan.DesiredSet;
import dev.starling.operator.plan.MemberState;
import dev.starling.operator.plan.ObservedMember;
import dev.starling.operator.plan.Planner;
import dev.starling.operator.plan.Refusal;
import dev.starling.operator.status.Outcome;
import dev.starling.operator.status.StatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/**
 * The fake members answer as starling-node does: first command by command, then driven by the
 * operator's own Observer, Planner, config rendering and StatusBuilder from a new set to Ready, a
 * scale-up, a move of the primary and a scale-down, with no pod running.
 */
class FakeNodeAdminTest {
  static final String H0 = NodeReplies.host(0);
  static final String H1 = NodeReplies.host(1);
  static final String H2 = NodeReplies.host(2);
  static final String H3 = NodeReplies.host(3);

  final NodeAdminClientTest.MutableClock clock = new NodeAdminClientTest.MutableClock();
  final FakeNodeAdmin nodes = new FakeNodeAdmin(clock);

  @Test
  void aHostWithoutConfigIsNotYetInitialized() {
    BsonDocument hello = nodes.hello(H0);
    assertThat(hello.containsKey("setName")).isFalse();
    assertThat(hello.getBoolean("isreplicaset").getValue()).isTrue();
    assertThat(hello.getBoolean("isWritablePrimary").getValue()).isFalse();
    assertThat(code(() -> nodes.replSetGetStatus(H0))).isEqualTo(94);
    assertThat(code(() -> nodes.replSetGetConfig(H0))).isEqualTo(94);
    assertThat(nodes.oplogStats(H0).getInt64("maxSize").getValue()).isEqualTo(990 * NodeReplies.MB);

    MemberReplies replies = ask(H0);
    assertThat(ObservationBuilder.ownState(replies)).isEqualTo(MemberState.STARTUP);
  }

  @Test
  void initiateInstallsTheConfigEverywhereAndElectsTheFirstElectableMember() {
    nodes.replSetInitiate(H1, NodeReplies.config(1, 0, 3));

    assertThat(code(() -> nodes.replSetInitiate(H2, NodeReplies.config(1, 0, 3)))).isEqualTo(23);
    Observation o = observe(H0, H1, H2);
    assertThat(o.set().primary()).isEqualTo(H0);
    assertThat(o.term()).isEqualTo(1);
    assertThat(o.set().config().version()).isEqualTo(1);
    assertThat(o.set().config().term()).isEqualTo(1);
    assertThat(o.set().members())
        .extracting(ObservedMember::state)
        .containsExactly(MemberState.PRIMARY, MemberState.SECONDARY, MemberState.SECONDARY);
    assertThat(o.set().members()).allMatch(m -> m.healthy() && m.has(o.set().config()));
    assertThat(o.set().members()).extracting(ObservedMember::lagSeconds).containsOnly(0L);
    assertThat(o.set().defaultWriteConcern()).isNull();
    BsonDocument hello = nodes.hello(H1);
    assertThat(hello.getString("setName").getValue()).isEqualTo("orders");
    assertThat(hello.getBoolean("secondary").getValue()).isTrue();
    assertThat(hello.getString("primary").getValue()).isEqualTo(H0);
    assertThat(nodes.replSetGetConfig(H2).getDocument("settings").containsKey("replicaSetId"))
        .isTrue();
  }

  @Test
  void initiateOnAHostOutsideTheConfigIsRefused() {
    assertThat(code(() -> nodes.replSetInitiate(H3, NodeReplies.config(1, 0, 3)))).isEqualTo(93);
    assertThat(nodes.state(H0)).isEqualTo(-1);
  }

  @Test
  void reconfigAddsAndRemovesMembersOnThePrimaryOnly() {
    nodes.replSetInitiate(H0, NodeReplies.config(1, 0, 3));

    assertThat(code(() -> nodes.replSetReconfig(H1, NodeReplies.config(2, 1, 4)))).isEqualTo(10107);
    assertThat(code(() -> nodes.replSetReconfig(H0, NodeReplies.config(1, 1, 4)))).isEqualTo(103);
    nodes.replSetReconfig(H0, NodeReplies.config(2, 1, 4));
    Observation four = observe(H0, H1, H2, H3);
    assertThat(four.set().config().version()).isEqualTo(2);
    assertThat(four.set().member(H3).orElseThrow().state()).isEqualTo(MemberState.SECONDARY);
    assertThat(four.set().config().member(H3).orElseThrow().newlyAdded()).isFalse();
    assertThat(four.set().members()).allMatch(m -> m.has(four.set().config()));

    assertThat(code(() -> nodes.replSetReconfig(H0, NodeReplies.config(3, 1, 2)))).isEqualTo(103);
    nodes.replSetReconfig(H0, NodeReplies.config(3, 1, 3));
    Observation three = observe(H0, H1, H2, H3);
    assertThat(three.set().config().members()).hasSize(3);
    assertThat(three.set().member(H3).orElseThrow().state()).isEqualTo(MemberState.REMOVED);
    assertThat(nodes.hello(H3).containsKey("setName")).isFalse();
  }

  @Test
  void stepDownElectsAnotherElectableMemberInANewTerm() {
    List<BsonDocument> members = new ArrayList<>();
    members.add(NodeReplies.configMember(0, H0));
    members.add(NodeReplies.configMember(1, H1).append("priority", new BsonInt32(0)));
    members.add(NodeReplies.configMember(2, H2));
    nodes.replSetInitiate(H0, NodeReplies.config(1, 0, members));

    assertThat(code(() -> nodes.replSetStepDown(H2, 15, 10))).isEqualTo(10107);
    nodes.replSetStepDown(H0, 15, 10);
    Observation o = observe(H0, H1, H2);
    assertThat(o.set().primary()).isEqualTo(H2);
    assertThat(o.term()).isEqualTo(2);
    assertThat(o.set().config().term()).isEqualTo(2);
    assertThat(o.set().members()).allMatch(m -> m.has(o.set().config()));

    nodes.replSetReconfig(
        H2,
        NodeReplies.config(
            2,
            2,
            List.of(
                NodeReplies.configMember(0, H0)
                    .append("votes", new BsonInt32(0))
                    .append("priority", new BsonInt32(0)),
                NodeReplies.configMember(1, H1).append("priority", new BsonInt32(0)),
                NodeReplies.configMember(2, H2))));
    assertThat(code(() -> nodes.replSetStepDown(H2, 15, 10))).isEqualTo(262);
  }

  @Test
  void oplogSizeAndDefaultWriteConcernAreKept() {
    nodes.replSetInitiate(H0, NodeReplies.config(1, 0, 3));
    nodes.replSetResizeOplog(H1, 2048);
    assertThat(code(() -> nodes.replSetResizeOplog(H1, 100))).isEqualTo(51024);
    assertThat(code(() -> nodes.setDefaultWriteConcern(H1, majority()))).isEqualTo(10107);
    nodes.setDefaultWriteConcern(H0, majority());

    Observation o = observe(H0, H1, H2);
    assertThat(o.set().member(H1).orElseThrow().oplogSizeMB()).isEqualTo(2048);
    assertThat(o.set().member(H2).orElseThrow().oplogSizeMB()).isEqualTo(990);
    assertThat(o.set().defaultWriteConcern())
        .isEqualTo(new DefaultWriteConcern("majority", null, null));
  }

  // ---- the operator's loop on the fake members ----

  int statefulSet;
  String stepDownHandled;
  Instant lastStepDown;
  ReplicaSetStatus status;

  @Test
  void theOperatorsLoopTakesANewSetToReadyThroughScalingAndAPrimaryMove() {
    ReplicaSet rs = resource(3);
    assertThat(reconcileUntilSettled(rs)).isInstanceOf(Action.None.class);
    assertReady(rs, 3, "orders-0");

    rs.getSpec().setMembers(5);
    rs.getSpec().setOplogSizeMB(1500);
    WriteConcern wc = new WriteConcern();
    wc.setW(new IntOrString("majority"));
    rs.getSpec().setDefaultWriteConcern(wc);
    reconcileUntilSettled(rs);
    assertReady(rs, 5, "orders-0");
    assertThat(status.getMembers()).allMatch(m -> m.getOplogSizeMB() == 1500);

    rs.getSpec().setPreferredPrimary(3);
    reconcileUntilSettled(rs);
    assertReady(rs, 5, "orders-3");
    assertThat(status.getMembers()).allMatch(m -> m.getPriority() == 1.0);

    rs.getSpec().setPreferredPrimary(null);
    rs.getSpec().setMembers(3);
    reconcileUntilSettled(rs);
    assertReady(rs, 3, "orders-0");
    assertThat(statefulSet).isEqualTo(3);

    MemberConfig hidden = new MemberConfig();
    hidden.setMember(2);
    hidden.setPriority(0.0);
    hidden.setHidden(true);
    hidden.setSecondaryDelaySecs(3600L);
    rs.getSpec().setMemberConfig(List.of(hidden));
    reconcileUntilSettled(rs);
    assertReady(rs, 3, "orders-0");
    assertThat(nodes.hello(H2).getBoolean("hidden").getValue()).isTrue();
  }

  private ReplicaSet resource(int members) {
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(
        new ObjectMetaBuilder()
            .withName("orders")
            .withNamespace("shop")
            .withGeneration(1L)
            .build());
    rs.getSpec().setMembers(members);
    return rs;
  }

  /** Observe, plan, act (as the Actor does, the StatefulSet being a number) until settled. */
  private Decision reconcileUntilSettled(ReplicaSet rs) {
    ReplicaSetModel model = ReplicaSetModel.from(rs);
    DesiredSet desired = DesiredSet.of(model);
    List<String> log = new ArrayList<>();
    for (int pass = 0; pass < 60; pass++) {
      List<Pod> pods = new ArrayList<>();
      for (int i = 0; i < Math.max(statefulSet, 0); i++) {
        pods.add(pendingPod("orders-" + i));
      }
      Observation o =
          new Observer(nodes)
              .observe(
                  model,
                  pods,
                  new SetFacts(
                      statefulSet,
                      0,
                      java.util.Map.of(),
                      dev.starling.operator.plan.Rollout.NONE,
                      null,
                      stepDownHandled,
                      lastStepDown));
      Instant now = clock.instant();
      Decision d = Planner.next(desired, o.set(), now);
      log.add(d.toString());
      status = StatusBuilder.build(1, status, model, o, d, Outcome.NOTHING, now);
      if (d instanceof Refusal) {
        fail("refused: " + d + "\n" + String.join("\n", log));
      }
      if (StatusBuilder.settled(d)) {
        return d;
      }
      if (d instanceof Action a) {
        act(a, o, now);
      }
      clock.now = clock.now.plusSeconds(2);
    }
    return fail("not settled after 60 passes:\n" + String.join("\n", log));
  }

  private void act(Action action, Observation o, Instant now) {
    switch (action) {
      case Action.Initiate i ->
          nodes.replSetInitiate(i.target(), ConfigDocuments.render(i.config(), null));
      case Action.GrowStatefulSet g -> statefulSet = g.to();
      case Action.ShrinkStatefulSet s -> statefulSet = s.to();
      case Action.Reconfig r ->
          nodes.replSetReconfig(
              o.set().primary(), ConfigDocuments.render(r.next(), o.configDocument()));
      case Action.StepDown s -> {
        nodes.replSetStepDown(s.host(), s.stepDownSeconds(), s.catchUpSeconds());
        lastStepDown = now;
      }
      case Action.ResizeOplog r -> nodes.replSetResizeOplog(r.host(), r.sizeMB());
      case Action.RestartMember r -> fail("no pod changes template here: " + r);
      case Action.SetDefaultWriteConcern w ->
          nodes.setDefaultWriteConcern(
              o.set().primary(),
              new BsonDocument("w", new BsonString((String) w.writeConcern().w())));
      case Action.None n -> {}
    }
  }

  private void assertReady(ReplicaSet rs, int members, String primary) {
    assertThat(status.getConditions())
        .filteredOn(c -> c.getType().equals(Conditions.READY))
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(status.getPrimary()).isEqualTo(primary);
    assertThat(status.getReadyReplicas()).isEqualTo(members);
    assertThat(status.getMembers()).hasSize(members);
    assertThat(rs.getSpec().getMembers()).isEqualTo(members);
  }

  // ---- helpers ----

  private static Pod pendingPod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .withLabels(Map.of(Labels.NAME, Labels.NODE, Labels.REPLICA_SET, "orders"))
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  /** What the Observer asks one member, without the Observer. */
  private MemberReplies ask(String host) {
    BsonDocument status = null;
    Integer error = null;
    try {
      status = nodes.replSetGetStatus(host);
    } catch (MongoCommandException e) {
      error = e.getErrorCode();
    }
    BsonDocument config = error == null ? nodes.replSetGetConfig(host) : null;
    return new MemberReplies(
        host.substring(0, host.indexOf('.')),
        host,
        false,
        nodes.hello(host),
        status,
        error,
        config,
        nodes.oplogStats(host),
        config == null ? null : nodes.getDefaultRWConcern(host));
  }

  private Observation observe(String... hosts) {
    List<MemberReplies> replies = new ArrayList<>();
    for (String h : hosts) {
      replies.add(ask(h));
    }
    return ObservationBuilder.build(replies, SetFacts.sizes(hosts.length, 0));
  }

  private static BsonDocument majority() {
    return new BsonDocument("w", new BsonString("majority"));
  }

  private static int code(Runnable call) {
    try {
      call.run();
    } catch (MongoCommandException e) {
      return e.getErrorCode();
    }
    return fail("no error");
  }
}
