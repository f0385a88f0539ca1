package dev.starling.operator.status;

import dev.starling.operator.api.v1alpha1.Conditions;
import dev.starling.operator.api.v1alpha1.MemberStatus;
import dev.starling.operator.api.v1alpha1.Phase;
import dev.starling.operator.api.v1alpha1.ReplicaSetStatus;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.observe.Observation;
import dev.starling.operator.plan.Action;
import dev.starling.operator.plan.ConfigMember;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status of a ReplicaSet after one reconcile: a pure function of the previous status, the
 * observation, the planner's decision and what was done with it. Equal inputs give an equal status,
 * so the reconciler writes only when something changed.
 *
 * <p>kstatus, which Argo CD and Flux read: {@code Reconciling=True} while an action or a wait is in
 * progress; {@code Stalled=True} when the planner refuses and only a person can lift it; {@code
 * Ready=True} when the set matches the spec and every member is healthy. {@code observedGeneration}
 * becomes the generation only when the operator has nothing left to do for it: the planner says
 * None, or it refuses for a reason only a person can lift (so GitOps tools report the failure
 * rather than a change in progress), or the set is paused. It lags exactly while a change is in
 * progress. A condition's {@code lastTransitionTime} changes only when its status flips.
 */
public final class StatusBuilder {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String IDLE = "Idle";
  public static final String ACTION_FAILED = "ActionFailed";

  private StatusBuilder() {}

  /** What one condition says: its status, reason and message. */
  private record State(String status, String reason, String message) {
    static final State IDLE = new State(FALSE, StatusBuilder.IDLE, "");
  }

  public static ReplicaSetStatus build(
      long generation,
      ReplicaSetStatus previous,
      ReplicaSetModel model,
      Observation observation,
      Decision decision,
      Outcome outcome,
      Instant now) {
    ReplicaSetStatus before = previous == null ? new ReplicaSetStatus() : previous;
    ObservedSet set = observation.set();
    ReplicaSetStatus s = new ReplicaSetStatus();
    List<MemberStatus> members = members(set);
    int ready =
        (int)
            set.members().stream()
                .filter(m -> !m.arbiter() && m.reachable() && m.state().healthy())
                .count();
    boolean settled = settled(decision);
    s.setObservedGeneration(settled ? Long.valueOf(generation) : before.getObservedGeneration());
    s.setPhase(phase(decision, outcome, before.getPhase(), set, model));
    s.setReplicas(set.statefulSetReplicas());
    s.setReadyReplicas(ready);
    s.setSelector(model.selector());
    s.setPrimary(set.primary() == null ? null : pod(set.primary()));
    s.setMembers(members);
    s.setConfigVersion(set.config() == null ? null : (long) set.config().version());
    s.setTerm(observation.term());
    s.setConnectionString(model.connectionString());
    s.setSrvConnectionString(model.srvConnectionString());
    s.setLastAction(outcome.lastAction() != null ? outcome.lastAction() : before.getLastAction());
    s.setWaitingFor(decision instanceof Wait w && outcome.error() == null ? w.text() : null);
    s.setStepDownHandled(
        outcome.stepDownHandled() != null
            ? outcome.stepDownHandled()
            : before.getStepDownHandled());
    s.setApproveHandled(
        outcome.approveHandled() != null ? outcome.approveHandled() : before.getApproveHandled());
    s.setConditions(conditions(generation, before, set, model, decision, outcome, ready, now));
    return s;
  }

  /** Nothing left to do for this generation without a new spec. */
  public static boolean settled(Decision decision) {
    return decision instanceof Action.None
        || (decision instanceof Refusal r && r.cause().needsPerson())
        || (decision instanceof Wait w && w.cause() == Wait.Cause.Paused);
  }

  private static List<Condition> conditions(
      long generation,
      ReplicaSetStatus before,
      ObservedSet set,
      ReplicaSetModel model,
      Decision decision,
      Outcome outcome,
      int readyMembers,
      Instant now) {
    State ready;
    State reconciling = State.IDLE;
    State stalled = State.IDLE;
    if (outcome.error() != null) {
      reconciling = new State(TRUE, ACTION_FAILED, outcome.error());
      ready = new State(FALSE, ACTION_FAILED, outcome.error());
    } else if (decision instanceof Action.None) {
      List<String> unhealthy = unhealthy(set);
      if (unhealthy.isEmpty() && readyMembers == model.members()) {
        ready =
            new State(
                TRUE,
                "AllMembersHealthy",
                readyMembers
                    + " of "
                    + model.members()
                    + " members healthy"
                    + (set.primary() == null ? "" : ", primary " + pod(set.primary())));
      } else {
        String message =
            unhealthy.isEmpty()
                ? readyMembers + " of " + model.members() + " members healthy"
                : "not healthy: " + String.join(", ", unhealthy);
        ready = new State(FALSE, "MembersUnhealthy", message);
      }
    } else if (decision instanceof Action a) {
      reconciling = new State(TRUE, a.type(), a.describe());
      ready = new State(FALSE, a.type(), a.describe());
    } else if (decision instanceof Wait w && w.cause() == Wait.Cause.Paused) {
      String text = "spec.paused is true: the operator observes and acts on nothing";
      reconciling = new State(FALSE, "Paused", text);
      ready = new State(FALSE, "Paused", text);
    } else if (decision instanceof Wait w) {
      reconciling = new State(TRUE, w.cause().name(), w.describe());
      ready = new State(FALSE, w.cause().name(), w.describe());
    } else {
      Refusal r = (Refusal) decision;
      if (r.cause().needsPerson()) {
        stalled = new State(TRUE, r.cause().name(), r.message());
      } else {
        reconciling = new State(TRUE, r.cause().name(), r.message());
      }
      ready = new State(FALSE, r.cause().name(), r.message());
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(Conditions.READY, ready, generation, before, now));
    conditions.add(condition(Conditions.RECONCILING, reconciling, generation, before, now));
    conditions.add(condition(Conditions.STALLED, stalled, generation, before, now));
    return conditions;
  }

  /** Members of the config that do not serve their role, with what they are instead. */
  private static List<String> unhealthy(ObservedSet set) {
    List<String> names = new ArrayList<>();
    if (set.config() == null) {
      return names;
    }
    for (ConfigMember c : set.config().members()) {
      Optional<ObservedMember> o = set.member(c.host());
      if (o.isEmpty()) {
        names.add(pod(c.host()) + " (no pod)");
      } else if (!o.get().healthy()) {
        names.add(
            o.get().name() + " (" + (o.get().reachable() ? o.get().state() : "unreachable") + ")");
      }
    }
    return names;
  }

  private static Condition condition(
      String type, State value, long generation, ReplicaSetStatus before, Instant now) {
    String since = now.truncatedTo(ChronoUnit.SECONDS).toString();
    if (before.getConditions() != null) {
      for (Condition c : before.getConditions()) {
        if (type.equals(c.getType()) && value.status().equals(c.getStatus())) {
          since = c.getLastTransitionTime() == null ? since : c.getLastTransitionTime();
        }
      }
    }
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(value.status());
    c.setReason(value.reason());
    c.setMessage(value.message());
    c.setObservedGeneration(generation);
    c.setLastTransitionTime(since);
    return c;
  }

  static Phase phase(
      Decision decision, Outcome outcome, Phase previous, ObservedSet set, ReplicaSetModel model) {
    if (decision instanceof Refusal r) {
      return r.cause().needsPerson() ? Phase.Invalid : Phase.Degraded;
    }
    if (decision instanceof Wait w && w.cause() == Wait.Cause.Paused) {
      return Phase.Paused;
    }
    if (!set.initiated()) {
      return decision instanceof Action.Initiate || previous == Phase.Initializing
          ? Phase.Initializing
          : Phase.Pending;
    }
    if (decision instanceof Action.None) {
      return unhealthy(set).isEmpty() ? Phase.Ready : Phase.Degraded;
    }
    if (decision instanceof Action a) {
      return switch (a) {
        case Action.Initiate i -> Phase.Initializing;
        case Action.GrowStatefulSet g -> Phase.Scaling;
        case Action.ShrinkStatefulSet g -> Phase.Scaling;
        case Action.AddMember m -> Phase.Scaling;
        case Action.RemoveMember m -> Phase.Scaling;
        case Action.ResizeOplog r -> Phase.Resizing;
        case Action.RestartMember r -> Phase.Rolling;
        case Action.StepDown d when d.reason() == Reason.RollPrimary -> Phase.Rolling;
        default -> Phase.Reconfiguring;
      };
    }
    // A wait continues the change in progress; a set that was settled and now waits is degraded
    // (no primary, a member down) unless it is still coming up.
    Wait w = (Wait) decision;
    if (rollWait(w.cause())) {
      return Phase.Rolling;
    }
    if (previous == Phase.Initializing
        || previous == Phase.Scaling
        || previous == Phase.Reconfiguring
        || previous == Phase.Resizing
        || previous == Phase.Rolling) {
      return previous;
    }
    return switch (w.cause()) {
      case MemberCatchingUp -> Phase.Scaling;
      case ConfigNotCommitted, ElectionInProgress, NoElectableSecondary -> Phase.Reconfiguring;
      default -> Phase.Degraded;
    };
  }

  /** A wait of the roller's own. */
  private static boolean rollWait(Wait.Cause cause) {
    return switch (cause) {
      case StatefulSetUpdating,
          MemberRestarting,
          MemberUnhealthy,
          MajorityWouldBeLost,
          Pacing,
          AwaitingApproval ->
          true;
      default -> false;
    };
  }

  /**
   * Every member of the config and every pod its StatefulSet still wants, data members by ordinal
   * then arbiters: settings from the config, state and health as observed. A pod outside both (one
   * left after a scale-down, terminating) is no member.
   */
  static List<MemberStatus> members(ObservedSet set) {
    Map<String, MemberStatus> byHost = new LinkedHashMap<>();
    ReplSetConfig config = set.config();
    if (config != null) {
      for (ConfigMember c : config.members()) {
        MemberStatus m = new MemberStatus();
        m.setName(pod(c.host()));
        m.setHost(c.host());
        m.setState(MemberState.UNKNOWN.name());
        m.setVotes(c.votes());
        m.setPriority(c.priority());
        m.setHidden(c.hidden());
        m.setSecondaryDelaySecs(c.secondaryDelaySecs());
        byHost.put(c.host(), m);
      }
    }
    for (ObservedMember o : set.members()) {
      int wanted = o.arbiter() ? set.arbiterStatefulSetReplicas() : set.statefulSetReplicas();
      if (!byHost.containsKey(o.host()) && ordinal(o.name()) >= wanted) {
        continue;
      }
      MemberStatus m = byHost.computeIfAbsent(o.host(), h -> new MemberStatus());
      m.setName(o.name());
      m.setHost(o.host());
      m.setState(o.state().name());
      m.setHealth(o.health() < 0 ? null : o.health());
      m.setLagSeconds(o.lagSeconds());
      m.setOplogSizeMB(o.oplogSizeMB());
    }
    List<MemberStatus> members = new ArrayList<>(byHost.values());
    members.sort(
        Comparator.comparing((MemberStatus m) -> m.getName().contains("-arbiter-"))
            .thenComparingInt(m -> ordinal(m.getName()))
            .thenComparing(MemberStatus::getName));
    return members;
  }

  private static int ordinal(String pod) {
    int dash = pod.lastIndexOf('-');
    try {
      return Integer.parseInt(pod.substring(dash + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** The pod name of a member host: its first label. */
  static String pod(String host) {
    int dot = host.indexOf('.');
    if (dot > 0) {
      return host.substring(0, dot);
    }
    int colon = host.indexOf(':');
    return colon > 0 ? host.substring(0, colon) : host;
  }
}
