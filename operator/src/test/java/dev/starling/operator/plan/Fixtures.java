package dev.starling.operator.plan;

import dev.starling.operator.api.v1alpha1.Annotations;
import dev.starling.operator.api.v1alpha1.MemberConfig;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetSpec;
import dev.starling.operator.model.ReplicaSetModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Specs and observations of the set {@code shop/orders}, built the short way. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private Fixtures() {}

  static String host(int ordinal) {
    return "orders-" + ordinal + ".orders-hs.shop.svc.cluster.local:27017";
  }

  static String arbiterHost(int index) {
    return "orders-arbiter-" + index + ".orders-hs.shop.svc.cluster.local:27017";
  }

  static ReplicaSet resource(int members, Consumer<ReplicaSetSpec> spec) {
    ReplicaSet rs = dev.starling.operator.TestSets.orders();
    rs.getSpec().setMembers(members);
    spec.accept(rs.getSpec());
    return rs;
  }

  static DesiredSet desired(int members) {
    return desired(members, s -> {});
  }

  static DesiredSet desired(int members, Consumer<ReplicaSetSpec> spec) {
    return DesiredSet.of(ReplicaSetModel.from(resource(members, spec)));
  }

  static DesiredSet fenced(int members, String fence) {
    ReplicaSet rs = resource(members, s -> {});
    rs.getMetadata().setAnnotations(Map.of(Annotations.FENCE, fence));
    return DesiredSet.of(ReplicaSetModel.from(rs));
  }

  static MemberConfig entry(
      int member,
      double priority,
      int votes,
      boolean hidden,
      long delay,
      Map<String, String> tags) {
    MemberConfig c = new MemberConfig(member);
    c.setPriority(priority);
    c.setVotes(votes);
    c.setHidden(hidden);
    c.setSecondaryDelaySecs(delay);
    c.setTags(tags);
    return c;
  }

  static Observed observed(int members) {
    return Observed.healthy(members);
  }

  /**
   * An observation, by default of a healthy set of data members 0..n-1 with config version 5 in
   * term 2 held by everyone, orders-0 primary, no lag, oplogs of 990 MB.
   */
  static final class Observed {
    private final List<ObservedMember> members = new ArrayList<>();
    private ReplSetConfig config;
    private String primary = host(0);
    private int statefulSet;
    private int arbiterStatefulSet;
    private DefaultWriteConcern cwwc;
    private String stepDownRequested;
    private String stepDownHandled;
    private Instant lastStepDown;

    static Observed healthy(int n) {
      Observed o = new Observed();
      List<ConfigMember> cm = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        cm.add(ConfigMember.of(i, host(i)));
        o.members.add(
            new ObservedMember(
                "orders-" + i,
                host(i),
                false,
                true,
                i == 0 ? MemberState.PRIMARY : MemberState.SECONDARY,
                1,
                5,
                2,
                0L,
                990L));
      }
      o.config = new ReplSetConfig("orders", 5, 2, cm, ConfigSettings.DEFAULT, Map.of());
      o.statefulSet = n;
      return o;
    }

    /** Pods that exist and answer but were never initiated: no config, STARTUP. */
    static Observed uninitialized(int n) {
      Observed o = new Observed();
      for (int i = 0; i < n; i++) {
        o.members.add(newPod(i));
      }
      o.config = null;
      o.primary = null;
      o.statefulSet = n;
      return o;
    }

    private static ObservedMember newPod(int i) {
      return new ObservedMember(
          "orders-" + i, host(i), false, true, MemberState.STARTUP, -1, 0, 0, null, null);
    }

    /** Pods {@code from}..{@code to-1} started (StatefulSet grown) but not in the config. */
    Observed newPods(int from, int to) {
      for (int i = from; i < to; i++) {
        members.add(newPod(i));
      }
      statefulSet = Math.max(statefulSet, to);
      return this;
    }

    Observed statefulSet(int replicas) {
      statefulSet = replicas;
      return this;
    }

    Observed arbiter() {
      ConfigMember a = ConfigMember.arbiter(50, arbiterHost(0));
      config = config.with(a);
      members.add(
          new ObservedMember(
              "orders-arbiter-0",
              arbiterHost(0),
              true,
              true,
              MemberState.ARBITER,
              1,
              config.version(),
              config.term(),
              null,
              null));
      arbiterStatefulSet = 1;
      return this;
    }

    Observed arbiterPod() {
      members.add(
          new ObservedMember(
              "orders-arbiter-0",
              arbiterHost(0),
              true,
              true,
              MemberState.STARTUP,
              -1,
              0,
              0,
              null,
              null));
      arbiterStatefulSet = 1;
      return this;
    }

    Observed member(int ordinal, UnaryOperator<ObservedMember> change) {
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i).host().equals(host(ordinal))) {
          members.set(i, change.apply(members.get(i)));
          return this;
        }
      }
      throw new IllegalArgumentException("no pod " + ordinal);
    }

    /** The pod does not answer and the primary reports it down. */
    Observed down(int ordinal) {
      return member(
          ordinal,
          m ->
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  false,
                  MemberState.DOWN,
                  0,
                  m.configVersion(),
                  m.configTerm(),
                  null,
                  null));
    }

    Observed unreachable(int ordinal) {
      return member(
          ordinal,
          m ->
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  false,
                  MemberState.UNKNOWN,
                  -1,
                  0,
                  0,
                  null,
                  null));
    }

    Observed lag(int ordinal, long seconds) {
      return member(
          ordinal,
          m ->
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  m.reachable(),
                  m.state(),
                  m.health(),
                  m.configVersion(),
                  m.configTerm(),
                  seconds,
                  m.oplogSizeMB()));
    }

    Observed state(int ordinal, MemberState state) {
      return member(
          ordinal,
          m ->
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  m.reachable(),
                  state,
                  m.health(),
                  m.configVersion(),
                  m.configTerm(),
                  m.lagSeconds(),
                  m.oplogSizeMB()));
    }

    Observed oplog(int ordinal, long mb) {
      return member(
          ordinal,
          m ->
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  m.reachable(),
                  m.state(),
                  m.health(),
                  m.configVersion(),
                  m.configTerm(),
                  m.lagSeconds(),
                  mb));
    }

    /** Moves the primary to {@code ordinal}; the old primary becomes a secondary. */
    Observed primary(int ordinal) {
      String old = primary;
      primary = host(ordinal);
      for (int i = 0; i < members.size(); i++) {
        ObservedMember m = members.get(i);
        MemberState s =
            m.host().equals(primary)
                ? MemberState.PRIMARY
                : m.host().equals(old) ? MemberState.SECONDARY : m.state();
        members.set(
            i,
            new ObservedMember(
                m.name(),
                m.host(),
                m.arbiter(),
                m.reachable(),
                s,
                m.health(),
                m.configVersion(),
                m.configTerm(),
                m.host().equals(primary) ? Long.valueOf(0) : m.lagSeconds(),
                m.oplogSizeMB()));
      }
      return this;
    }

    Observed noPrimary() {
      String old = primary;
      primary = null;
      return member(
          Integer.parseInt(old.substring("orders-".length(), old.indexOf('.'))),
          m ->
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  m.reachable(),
                  MemberState.SECONDARY,
                  -1,
                  m.configVersion(),
                  m.configTerm(),
                  m.lagSeconds(),
                  m.oplogSizeMB()));
    }

    /**
     * Replaces the config (a new version, held by every reachable member unless {@link
     * #onlyPrimaryHas} follows).
     */
    Observed config(UnaryOperator<ReplSetConfig> change) {
      config = change.apply(config);
      for (int i = 0; i < members.size(); i++) {
        ObservedMember m = members.get(i);
        if (m.reachable() && config.member(m.host()).isPresent()) {
          members.set(
              i,
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  true,
                  m.state() == MemberState.STARTUP ? MemberState.SECONDARY : m.state(),
                  m.health() == -1 ? 1 : m.health(),
                  config.version(),
                  config.term(),
                  m.lagSeconds() == null ? Long.valueOf(0) : m.lagSeconds(),
                  m.oplogSizeMB() == null ? Long.valueOf(990) : m.oplogSizeMB()));
        }
      }
      return this;
    }

    /** Sets a member's config entry (same version: as if it had always been so). */
    Observed configMember(int ordinal, UnaryOperator<ConfigMember> change) {
      config = config.with(change.apply(config.member(host(ordinal)).orElseThrow()));
      return this;
    }

    Observed onlyPrimaryHas() {
      for (int i = 0; i < members.size(); i++) {
        ObservedMember m = members.get(i);
        if (!m.host().equals(primary) && m.configVersion() == config.version()) {
          members.set(
              i,
              new ObservedMember(
                  m.name(),
                  m.host(),
                  m.arbiter(),
                  m.reachable(),
                  m.state(),
                  m.health(),
                  config.version() - 1,
                  m.configTerm(),
                  m.lagSeconds(),
                  m.oplogSizeMB()));
        }
      }
      return this;
    }

    Observed cwwc(DefaultWriteConcern wc) {
      cwwc = wc;
      return this;
    }

    Observed stepDown(String requested, String handled) {
      stepDownRequested = requested;
      stepDownHandled = handled;
      return this;
    }

    Observed lastStepDown(Instant at) {
      lastStepDown = at;
      return this;
    }

    ObservedSet build() {
      return new ObservedSet(
          members,
          config,
          primary,
          statefulSet,
          arbiterStatefulSet,
          cwwc,
          stepDownRequested,
          stepDownHandled,
          lastStepDown);
    }
  }
}
