package dev.starling.operator.plan;

import dev.starling.operator.plan.Action.AddMember;
import dev.starling.operator.plan.Action.ChangeMember;
import dev.starling.operator.plan.Action.GrowStatefulSet;
import dev.starling.operator.plan.Action.Initiate;
import dev.starling.operator.plan.Action.None;
import dev.starling.operator.plan.Action.ReconfigSettings;
import dev.starling.operator.plan.Action.RemoveMember;
import dev.starling.operator.plan.Action.ResizeOplog;
import dev.starling.operator.plan.Action.SetDefaultWriteConcern;
import dev.starling.operator.plan.Action.ShrinkStatefulSet;
import dev.starling.operator.plan.Action.StepDown;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The next single safe step for a set: a pure function of the spec (as a {@link DesiredSet}), one
 * observation ({@link ObservedSet}) and the time. It keeps no memory, so an operator restarted at
 * any point resumes from what it observes, and a completed reconfig is never repeated: its member
 * is matched by host in the observed config.
 *
 * <p>The decisions, in order; the first that applies is returned:
 *
 * <ol>
 *   <li>A spec CEL cannot judge (fence annotation, tag values, write concern, preferred primary) is
 *       refused: {@code Refusal InvalidSpec}.
 *   <li>{@code spec.paused}: {@code Wait Paused}.
 *   <li>A StatefulSet smaller than the spec grows (data members first, then the arbiter): its new
 *       pods start outside the config.
 *   <li>A set without a config: shrink a StatefulSet larger than the spec (nothing to remove from a
 *       config yet), wait until every pod answers, then initiate with the whole config.
 *   <li>No primary: {@code Wait NoPrimary}.
 *   <li>The current config not held by a majority of its voters: {@code Wait ConfigNotCommitted}
 *       (every reconfig waits for the previous one to be committed).
 *   <li>The cluster-wide default write concern differs from the spec: set it (before any reconfig,
 *       since a reconfig that changes the implicit default needs it).
 *   <li>Members in the config that the spec does not want (scale-down): refused while a member that
 *       stays is down; the primary steps down first if it is leaving; then one member is removed
 *       per reconfig, highest ordinal first.
 *   <li>A StatefulSet larger than the spec shrinks, once none of its extra pods is in the config
 *       and that config is committed (steps 6 and 8).
 *   <li>A member whose settings differ from the spec changes, one member per reconfig, members
 *       losing their vote first; a primary that would become unelectable steps down first.
 *   <li>Members the spec wants that are not in the config are added one per reconfig, in ordinal
 *       order, each only after the previous one finished its initial sync.
 *   <li>Settings and write concern modes that differ: one reconfig with all of them.
 *   <li>Oplog sizes that differ: replSetResizeOplog on one member, secondaries first, the primary
 *       last.
 *   <li>A new value of the step-down annotation: one non-forced step-down.
 *   <li>Members whose pods do not run their StatefulSet's current template are restarted by the
 *       {@link Roller}, one at a time, the primary last after a step-down.
 *   <li>A preferred primary that is not primary: step the primary down once the preferred member is
 *       caught up.
 *   <li>A member of the config still syncing (newlyAdded, initial sync, rollback): {@code Wait
 *       MemberCatchingUp}, so that a scale-up is over only when its last member votes.
 *   <li>Otherwise {@code None InSync} (a member that is down is for the status to report).
 * </ol>
 *
 * <p>Every reconfig passes {@link ReconfigSafety}: at most one voter changes, and a majority of the
 * new voters must be healthy and caught up. Moving the primary to {@code preferredPrimary} leaves
 * no priority changed because the raise is never stored anywhere but the live config: in step 10
 * the preferred member's wanted priority is one above every other member's only while it is a
 * healthy secondary and no roll is in progress (so a step-down in step 16 elects it, and its own
 * priority takeover would too; during a roll the raise would hand the primary back to a member the
 * roll has just stepped down); once it is primary, or down, or no longer preferred, its wanted
 * priority is the spec's again, and step 10 puts it back. A higher-priority member would take the
 * primary back, so the spec must give the preferred member the highest priority (a CEL rule,
 * checked again in step 1).
 */
public final class Planner {
  /** replSetStepDown's {@code stepDownSecs}: the old primary stays out of elections this long. */
  public static final int STEP_DOWN_SECONDS = 15;

  /** replSetStepDown's {@code secondaryCatchUpPeriodSecs}. */
  public static final int CATCH_UP_SECONDS = 10;

  private final DesiredSet desired;
  private final ObservedSet observed;
  private final Instant now;
  private final ReplSetConfig config;

  private Planner(DesiredSet desired, ObservedSet observed, Instant now) {
    this.desired = desired;
    this.observed = observed;
    this.now = now;
    this.config = observed.config();
  }

  /** The next single safe step; see the class comment for the order of decisions. */
  public static Decision next(DesiredSet desired, ObservedSet observed, Instant now) {
    return new Planner(desired, observed, now).decide();
  }

  private Decision decide() {
    return SpecChecks.check(desired)
        .<Decision>map(r -> r)
        .or(this::paused)
        .or(this::growStatefulSets)
        .or(this::initiate)
        .or(this::noPrimary)
        .or(this::configNotCommitted)
        .or(this::defaultWriteConcern)
        .or(this::removeMembers)
        .or(this::shrinkStatefulSets)
        .or(this::changeMembers)
        .or(this::addMembers)
        .or(this::reconfigSettings)
        .or(this::resizeOplog)
        .or(this::stepDownRequested)
        .or(this::roll)
        .or(this::movePrimary)
        .or(this::syncing)
        .orElse(new None(Reason.InSync));
  }

  // 2
  private Optional<Decision> paused() {
    return desired.paused()
        ? Optional.of(new Wait(Wait.Cause.Paused, "spec.paused to be false"))
        : Optional.empty();
  }

  // 3
  private Optional<Decision> growStatefulSets() {
    if (observed.statefulSetReplicas() < desired.dataMembers()) {
      return Optional.of(
          new GrowStatefulSet(
              desired.statefulSetName(),
              observed.statefulSetReplicas(),
              desired.dataMembers(),
              Reason.ScaleUp));
    }
    if (observed.arbiterStatefulSetReplicas() < desired.arbiters()) {
      return Optional.of(
          new GrowStatefulSet(
              desired.arbiterStatefulSetName(),
              observed.arbiterStatefulSetReplicas(),
              desired.arbiters(),
              Reason.ScaleUp));
    }
    return Optional.empty();
  }

  // 4
  private Optional<Decision> initiate() {
    if (observed.initiated()) {
      return Optional.empty();
    }
    Optional<Decision> shrink = shrinkStatefulSets();
    if (shrink.isPresent()) {
      return shrink;
    }
    List<String> missing = new ArrayList<>();
    for (DesiredMember m : desired.members()) {
      if (observed.member(m.host()).filter(ObservedMember::reachable).isEmpty()) {
        missing.add(m.name());
      }
    }
    if (!missing.isEmpty()) {
      return Optional.of(
          new Wait(Wait.Cause.MemberUnreachable, String.join(", ", missing) + " to start"));
    }
    List<ConfigMember> members =
        desired.members().stream().map(m -> m.toConfigMember(m.id())).toList();
    ReplSetConfig first =
        new ReplSetConfig(
            desired.name(), 1, 0, members, desired.settings(), desired.writeConcernModes());
    DesiredMember target = desired.preferred().orElse(desired.dataMembersList().get(0));
    return Optional.of(new Initiate(target.name(), target.host(), first, Reason.NewSet));
  }

  // 5
  private Optional<Decision> noPrimary() {
    if (observed.primary() != null) {
      return Optional.empty();
    }
    long reachable =
        config.voterHosts().stream()
            .filter(h -> observed.member(h).filter(ObservedMember::healthy).isPresent())
            .count();
    return Optional.of(
        new Wait(
            Wait.Cause.NoPrimary,
            "a primary to be elected ("
                + reachable
                + " of "
                + config.voterHosts().size()
                + " voters healthy, "
                + config.majority()
                + " needed)"));
  }

  // 6
  private Optional<Decision> configNotCommitted() {
    long have =
        config.voterHosts().stream()
            .filter(h -> observed.member(h).filter(m -> m.has(config)).isPresent())
            .count();
    if (have >= config.majority()) {
      return Optional.empty();
    }
    return Optional.of(
        new Wait(
            Wait.Cause.ConfigNotCommitted,
            "config version "
                + config.version()
                + " to reach a majority of voters ("
                + have
                + " of "
                + config.voterHosts().size()
                + " have it, "
                + config.majority()
                + " needed)"));
  }

  // 7
  private Optional<Decision> defaultWriteConcern() {
    DefaultWriteConcern wanted = desired.defaultWriteConcern();
    if (wanted == null || satisfies(observed.defaultWriteConcern(), wanted)) {
      return Optional.empty();
    }
    return Optional.of(new SetDefaultWriteConcern(wanted, Reason.DefaultWriteConcernChanged));
  }

  /** The observed default has what the spec sets; fields the spec leaves out are not compared. */
  static boolean satisfies(DefaultWriteConcern observed, DefaultWriteConcern wanted) {
    if (observed == null || !wanted.w().equals(observed.w())) {
      return false;
    }
    if (wanted.j() != null && !wanted.j().equals(observed.j())) {
      return false;
    }
    int observedTimeout = observed.wtimeout() == null ? 0 : observed.wtimeout();
    return wanted.wtimeout() == null || wanted.wtimeout() == observedTimeout;
  }

  // 8
  private Optional<Decision> removeMembers() {
    List<ConfigMember> unwanted =
        config.members().stream()
            .filter(m -> desired.member(m.host()).isEmpty())
            .sorted(
                Comparator.comparing(ConfigMember::arbiterOnly)
                    .thenComparing(ConfigMember::id, Comparator.reverseOrder()))
            .toList();
    if (unwanted.isEmpty()) {
      return Optional.empty();
    }
    List<String> down = new ArrayList<>();
    for (ConfigMember m : config.members()) {
      if (desired.member(m.host()).isPresent()) {
        Optional<ObservedMember> o = observed.member(m.host());
        if (o.isEmpty() || !o.get().healthy()) {
          down.add(Describe.pod(m.host()) + " (" + stateOf(o) + ")");
        }
      }
    }
    if (!down.isEmpty()) {
      return Optional.of(
          new Refusal(
              Refusal.Cause.ScaleDownWhileMemberDown,
              "not removing "
                  + Describe.pod(unwanted.get(0).host())
                  + " while "
                  + String.join(", ", down)
                  + (down.size() == 1 ? ", which stays, is" : ", which stay, are")
                  + " not healthy: bring "
                  + (down.size() == 1 ? "it" : "them")
                  + " back first, or keep the members"));
    }
    ConfigMember leaving = unwanted.get(0);
    if (leaving.host().equals(observed.primary())) {
      return stepDownFirst(Reason.PrimaryRemoved, null);
    }
    ReplSetConfig next = config.without(leaving.host()).nextVersion();
    return checked(
        next,
        () -> new RemoveMember(Describe.pod(leaving.host()), leaving, next, Reason.ScaleDown));
  }

  private static String stateOf(Optional<ObservedMember> o) {
    if (o.isEmpty()) {
      return "no pod";
    }
    if (!o.get().reachable()) {
      return "unreachable";
    }
    return o.get().health() == 0 ? "down" : o.get().state().name();
  }

  // 9
  private Optional<Decision> shrinkStatefulSets() {
    if (observed.statefulSetReplicas() > desired.dataMembers()) {
      return Optional.of(
          new ShrinkStatefulSet(
              desired.statefulSetName(),
              observed.statefulSetReplicas(),
              desired.dataMembers(),
              Reason.ScaleDown));
    }
    if (observed.arbiterStatefulSetReplicas() > desired.arbiters()) {
      return Optional.of(
          new ShrinkStatefulSet(
              desired.arbiterStatefulSetName(),
              observed.arbiterStatefulSetReplicas(),
              desired.arbiters(),
              Reason.ScaleDown));
    }
    return Optional.empty();
  }

  // 10
  private Optional<Decision> changeMembers() {
    List<ConfigMember[]> changes = new ArrayList<>();
    for (ConfigMember current : config.members()) {
      Optional<DesiredMember> d = desired.member(current.host());
      if (d.isEmpty()) {
        continue;
      }
      ConfigMember wanted = d.get().applyTo(current);
      if (isPreferred(d.get())) {
        wanted = wanted.withPriority(preferredPriority(d.get(), current));
      }
      if (!wanted.sameSettings(current)) {
        changes.add(new ConfigMember[] {current, wanted});
      }
    }
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    changes.sort(
        Comparator.<ConfigMember[], Boolean>comparing(c -> !(c[0].votes() > c[1].votes()))
            .thenComparing(c -> c[0].id()));
    ConfigMember before = changes.get(0)[0];
    ConfigMember after = changes.get(0)[1];
    if (before.host().equals(observed.primary()) && !after.electable()) {
      return stepDownFirst(Reason.PrimaryBecomesUnelectable, null);
    }
    DesiredMember d = desired.member(before.host()).orElseThrow();
    Reason reason;
    boolean onlyPriority = before.sameSettings(after.withPriority(before.priority()));
    double specPriority = d.settings().priority();
    if (isPreferred(d) && onlyPriority && after.priority() != specPriority) {
      reason = Reason.PreferredPrimaryBoost;
    } else if (isPreferred(d) && onlyPriority && before.priority() > specPriority) {
      reason = Reason.PreferredPrimaryRestore;
    } else if (d.fenced() || looksFenced(before)) {
      reason = Reason.Fence;
    } else {
      reason = Reason.MemberConfigChanged;
    }
    ReplSetConfig next = config.with(after).nextVersion();
    return checked(next, () -> new ChangeMember(d.name(), before, after, next, reason));
  }

  private static boolean looksFenced(ConfigMember m) {
    return m.priority() == 0 && m.hidden();
  }

  private boolean isPreferred(DesiredMember d) {
    return desired.preferred().filter(p -> p.host().equals(d.host())).isPresent();
  }

  /**
   * The preferred member's priority: one above every other member's (at most 1000) while it is a
   * healthy secondary that does not already have the highest priority, else the spec's.
   */
  private double preferredPriority(DesiredMember preferred, ConfigMember current) {
    double spec = preferred.settings().priority();
    boolean moving =
        observed.primary() != null
            && !observed.rolling()
            && !preferred.host().equals(observed.primary())
            && observed.member(preferred.host()).filter(ObservedMember::healthy).isPresent()
            && !current.newlyAdded();
    if (!moving) {
      return spec;
    }
    double others =
        config.members().stream()
            .filter(m -> !m.host().equals(preferred.host()))
            .mapToDouble(ConfigMember::priority)
            .max()
            .orElse(0);
    return spec > others ? spec : Math.min(1000, Math.floor(others) + 1);
  }

  // 11
  private Optional<Decision> addMembers() {
    List<DesiredMember> missing =
        desired.members().stream().filter(m -> config.member(m.host()).isEmpty()).toList();
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    for (ConfigMember m : config.members()) {
      Optional<ObservedMember> o = observed.member(m.host());
      if (m.arbiterOnly() || o.isEmpty() || !o.get().reachable()) {
        continue;
      }
      if (m.newlyAdded() || o.get().state().syncing()) {
        return Optional.of(
            new Wait(
                Wait.Cause.MemberCatchingUp,
                catchingUp(o.get()) + " before adding " + missing.get(0).name()));
      }
    }
    DesiredMember adding = missing.get(0);
    if (observed.member(adding.host()).filter(ObservedMember::reachable).isEmpty()) {
      return Optional.of(new Wait(Wait.Cause.MemberUnreachable, adding.name() + " to start"));
    }
    ConfigMember added = adding.toConfigMember(freeId(adding.id()));
    ReplSetConfig next = config.with(added).nextVersion();
    return checked(next, () -> new AddMember(adding.name(), added, next, Reason.ScaleUp));
  }

  private int freeId(int wanted) {
    Set<Integer> used = new HashSet<>();
    config.members().forEach(m -> used.add(m.id()));
    if (!used.contains(wanted)) {
      return wanted;
    }
    int id = 0;
    while (used.contains(id)) {
      id++;
    }
    return id;
  }

  // 12
  private Optional<Decision> reconfigSettings() {
    if (config.settings().equals(desired.settings())
        && config.writeConcernModes().equals(desired.writeConcernModes())) {
      return Optional.empty();
    }
    ReplSetConfig next =
        config.withSettings(desired.settings(), desired.writeConcernModes()).nextVersion();
    return checked(next, () -> new ReconfigSettings(next, Reason.SettingsChanged));
  }

  // 13
  private Optional<Decision> resizeOplog() {
    Integer size = desired.oplogSizeMB();
    if (size == null) {
      return Optional.empty();
    }
    return config.members().stream()
        .filter(m -> !m.arbiterOnly() && desired.member(m.host()).isPresent())
        .sorted(
            Comparator.comparing((ConfigMember m) -> m.host().equals(observed.primary()))
                .thenComparing(ConfigMember::id))
        .flatMap(m -> observed.member(m.host()).stream())
        .filter(
            o -> o.reachable() && o.oplogSizeMB() != null && o.oplogSizeMB() != size.longValue())
        .findFirst()
        .map(o -> new ResizeOplog(o.name(), o.host(), size, Reason.OplogSizeChanged));
  }

  // 14
  private Optional<Decision> stepDownRequested() {
    if (!observed.stepDownPending()) {
      return Optional.empty();
    }
    boolean anotherCanLead =
        config.members().stream()
            .anyMatch(m -> m.electable() && !m.host().equals(observed.primary()));
    if (!anotherCanLead) {
      return Optional.of(
          new Refusal(
              Refusal.Cause.InvalidSpec,
              "starling.dev/step-down=\""
                  + observed.stepDownRequested()
                  + "\": no other member can become primary; remove the annotation"));
    }
    return stepDownFirst(Reason.StepDownRequested, observed.stepDownRequested());
  }

  // 15
  private Optional<Decision> roll() {
    return new Roller(desired, observed, now, value -> stepDownFirst(Reason.RollPrimary, value))
        .next();
  }

  // 16
  private Optional<Decision> movePrimary() {
    Optional<DesiredMember> preferred = desired.preferred();
    if (preferred.isEmpty() || preferred.get().host().equals(observed.primary())) {
      return Optional.empty();
    }
    DesiredMember p = preferred.get();
    Optional<ObservedMember> o = observed.member(p.host());
    if (o.isEmpty() || !o.get().healthy()) {
      return Optional.of(
          new Wait(
              Wait.Cause.MemberUnreachable,
              p.name() + " to be healthy before it becomes primary (" + stateOf(o) + ")"));
    }
    Optional<Decision> electing = electionInProgress();
    if (electing.isPresent()) {
      return electing;
    }
    ConfigMember member = config.member(p.host()).orElseThrow();
    if (!ReconfigSafety.healthyAndCaughtUp(member, observed)) {
      return Optional.of(
          new Wait(
              Wait.Cause.MemberCatchingUp,
              p.name() + " to catch up before it becomes primary" + lag(o.get())));
    }
    return Optional.of(stepDown(Reason.PreferredPrimary, null));
  }

  // 17
  private Optional<Decision> syncing() {
    for (ConfigMember m : config.members()) {
      Optional<ObservedMember> o = observed.member(m.host()).filter(ObservedMember::reachable);
      if (o.isPresent() && (m.newlyAdded() || o.get().state().syncing())) {
        return Optional.of(new Wait(Wait.Cause.MemberCatchingUp, catchingUp(o.get())));
      }
    }
    return Optional.empty();
  }

  /** "orders-3 to finish its initial sync (STARTUP2)", for a member not yet serving its role. */
  private static String catchingUp(ObservedMember o) {
    String work =
        switch (o.state()) {
          case STARTUP2 -> "initial sync";
          case ROLLBACK -> "rollback";
          case RECOVERING -> "recovery";
          default -> null;
        };
    return work == null
        ? o.name() + " to catch up and vote"
        : o.name() + " to finish its " + work + " (" + o.state() + ")";
  }

  private static String lag(ObservedMember o) {
    return o.lagSeconds() == null ? "" : " (lag " + o.lagSeconds() + " s)";
  }

  /**
   * A step-down, once another member could win the election: electable, healthy, caught up, and
   * staying in the set.
   */
  private Optional<Decision> stepDownFirst(Reason reason, String annotationValue) {
    Optional<Decision> electing = electionInProgress();
    if (electing.isPresent()) {
      return electing;
    }
    String primary = Describe.pod(observed.primary());
    boolean successor =
        config.members().stream()
            .filter(m -> !m.host().equals(observed.primary()))
            .filter(m -> desired.member(m.host()).isPresent())
            .anyMatch(m -> m.electable() && ReconfigSafety.healthyAndCaughtUp(m, observed));
    if (!successor) {
      return Optional.of(
          new Wait(
              Wait.Cause.NoElectableSecondary,
              "an electable secondary to catch up before stepping down " + primary));
    }
    return Optional.of(stepDown(reason, annotationValue));
  }

  private StepDown stepDown(Reason reason, String annotationValue) {
    return new StepDown(
        Describe.pod(observed.primary()),
        observed.primary(),
        STEP_DOWN_SECONDS,
        CATCH_UP_SECONDS,
        annotationValue,
        reason);
  }

  /**
   * Within three election timeouts of a step-down, its election may still be running; and until
   * {@link #STEP_DOWN_SECONDS} have passed, the member stepped down cannot be elected, so a move to
   * it (preferredPrimary) would leave the set without a primary.
   */
  private Optional<Decision> electionInProgress() {
    Instant last = observed.lastStepDown();
    Duration window =
        Duration.ofMillis(
            Math.max(3L * desired.settings().electionTimeoutMillis(), STEP_DOWN_SECONDS * 1000L));
    if (last != null && now.isBefore(last.plus(window))) {
      return Optional.of(
          new Wait(
              Wait.Cause.ElectionInProgress,
              "the election after the step-down at " + last + " to settle"));
    }
    return Optional.empty();
  }

  /**
   * {@code action} when {@code next} may replace the current config: its write concern modes fit
   * its members (or the spec's modes are installed first), it keeps MongoDB's implicit default
   * write concern unless a cluster-wide default is set, and it passes {@link ReconfigSafety}.
   */
  private Optional<Decision> checked(
      ReplSetConfig next, java.util.function.Supplier<Action> action) {
    Optional<String> modes = next.modesProblem();
    if (modes.isPresent()) {
      ReplSetConfig modesFirst =
          config.withSettings(desired.settings(), desired.writeConcernModes());
      if (!config.writeConcernModes().equals(desired.writeConcernModes())
          && modesFirst.modesProblem().isEmpty()) {
        return Optional.of(new ReconfigSettings(modesFirst.nextVersion(), Reason.SettingsChanged));
      }
      return Optional.of(
          new Refusal(
              Refusal.Cause.InvalidSpec,
              modes.get() + " in the next config: change writeConcernModes first"));
    }
    if (observed.defaultWriteConcern() == null
        && config.implicitDefaultIsMajority() != next.implicitDefaultIsMajority()) {
      return Optional.of(
          new Refusal(
              Refusal.Cause.InvalidSpec,
              "this change turns MongoDB's implicit default write concern from "
                  + (config.implicitDefaultIsMajority() ? "\"majority\" to 1" : "1 to \"majority\"")
                  + " (arbiters and data-bearing voters), which the node refuses while no default"
                  + " is set: set spec.defaultWriteConcern, e.g. {w: majority}"));
    }
    Optional<Refusal> unsafe = ReconfigSafety.check(config, next, observed);
    if (unsafe.isPresent()) {
      return unsafe.map(r -> r);
    }
    return Optional.of(action.get());
  }
}
