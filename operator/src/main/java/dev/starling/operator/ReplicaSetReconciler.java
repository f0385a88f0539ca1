package dev.starling.operator;

import dev.starling.operator.api.v1alpha1.Annotations;
import dev.starling.operator.api.v1alpha1.Conditions;
import dev.starling.operator.api.v1alpha1.LastAction;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetStatus;
import dev.starling.operator.model.Labels;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.observe.NodeAdmin;
import dev.starling.operator.observe.Observation;
import dev.starling.operator.observe.Observer;
import dev.starling.operator.observe.SetFacts;
import dev.starling.operator.plan.Action;
import dev.starling.operator.plan.Decision;
import dev.starling.operator.plan.DesiredSet;
import dev.starling.operator.plan.Planner;
import dev.starling.operator.plan.Refusal;
import dev.starling.operator.plan.Rollout;
import dev.starling.operator.plan.Wait;
import dev.starling.operator.status.Outcome;
import dev.starling.operator.status.StatusBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reconciles a ReplicaSet, one pass at a time and always from observation: (a) apply the Kubernetes
 * objects of the model that differ from what exists, (b) observe every member, (c) ask the planner
 * for the next step, (d) take at most one action and record it (status and an Event), (e) write the
 * status if it changed, and come back in 2 s while something is in progress, 30 s when in sync (the
 * database's state is polled: nothing in Kubernetes tells of an election).
 *
 * <p>Generation-aware filtering is off and {@link SpecOrAnnotationsChanged} filters updates
 * instead, so an annotation edit (step-down, fence) reconciles at once while the operator's own
 * status writes do not.
 */
@ControllerConfiguration(
    name = ReplicaSetReconciler.NAME,
    fieldManager = ReplicaSetReconciler.FIELD_MANAGER,
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SpecOrAnnotationsChanged.class))
public class ReplicaSetReconciler implements Reconciler<ReplicaSet> {
  public static final String NAME = "replicaset";
  public static final String FIELD_MANAGER = "starling-operator";
  static final Duration IN_PROGRESS = Duration.ofSeconds(2);
  static final Duration IN_SYNC = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(ReplicaSetReconciler.class);

  private final NodeAdmin nodes;
  private final Observer observer;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final String instance;
  private volatile Dependents dependents;
  private volatile EventRecorder events;

  @Inject
  public ReplicaSetReconciler(
      NodeAdmin nodes,
      MeterRegistry registry,
      Clock clock,
      @ConfigProperty(name = "starling.instance", defaultValue = "starling-operator")
          String instance) {
    this.nodes = nodes;
    this.observer = new Observer(nodes);
    this.metrics = new OperatorMetrics(registry);
    this.clock = clock;
    this.instance = instance;
  }

  @Override
  public List<EventSource<?, ReplicaSet>> prepareEventSources(
      EventSourceContext<ReplicaSet> context) {
    SecondaryToPrimaryMapper<Pod> podToSet =
        pod -> {
          Map<String, String> labels = pod.getMetadata().getLabels();
          String set = labels == null ? null : labels.get(Labels.REPLICA_SET);
          return set == null
              ? Set.of()
              : Set.of(new ResourceID(set, pod.getMetadata().getNamespace()));
        };
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ReplicaSet.class)
                .withName("pods")
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withSecondaryToPrimaryMapper(podToSet)
                .build(),
            context);
    dependents =
        new Dependents(
            owned(StatefulSet.class, "statefulsets", context),
            owned(Service.class, "services", context),
            owned(ConfigMap.class, "configmaps", context),
            owned(PodDisruptionBudget.class, "poddisruptionbudgets", context),
            pods,
            context.getClient().getKubernetesSerialization());
    events = new EventRecorder(context.getClient(), instance);
    return List.of(
        dependents.statefulSets,
        dependents.services,
        dependents.configMaps,
        dependents.disruptionBudgets,
        pods);
  }

  private static <R extends HasMetadata> InformerEventSource<R, ReplicaSet> owned(
      Class<R> type, String name, EventSourceContext<ReplicaSet> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, ReplicaSet.class)
            .withName(name)
            .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ReplicaSet.class, false))
            .build(),
        context);
  }

  @Override
  public UpdateControl<ReplicaSet> reconcile(ReplicaSet rs, Context<ReplicaSet> context) {
    Instant start = clock.instant();
    try {
      return pass(rs, context, start);
    } catch (RuntimeException e) {
      metrics.error();
      throw e;
    } finally {
      metrics.reconciled(Duration.between(start, clock.instant()));
    }
  }

  private UpdateControl<ReplicaSet> pass(ReplicaSet rs, Context<ReplicaSet> context, Instant now) {
    ReplicaSetModel model = ReplicaSetModel.from(rs);
    DesiredSet desired = DesiredSet.of(model);
    ReplicaSetStatus previous = rs.getStatus();

    Dependents.Current current =
        model.paused() ? dependents.current(model) : dependents.apply(model, context);

    List<Pod> pods = dependents.pods(model);
    SetFacts facts =
        new SetFacts(
            current.dataReplicas(),
            current.arbiterReplicas(),
            current.podFacts(pods),
            new Rollout(
                current.revisionsKnown(),
                annotation(rs, Annotations.APPROVE),
                previous == null ? null : previous.getApproveHandled()),
            annotation(rs, Annotations.STEP_DOWN),
            previous == null ? null : previous.getStepDownHandled(),
            lastStepDown(previous));
    Observation observation = observer.observe(model, pods, facts);

    Decision decision = Planner.next(desired, observation.set(), now);
    Outcome outcome = Outcome.NOTHING;
    if (decision instanceof Action action && !(action instanceof Action.None)) {
      outcome = new Actor(nodes, dependents).act(action, model, observation, context, now);
      if (outcome.error() == null) {
        metrics.action(action.type());
        events.normal(rs, action.type(), action.describe(), now);
        LOG.infof("%s/%s: %s", model.namespace(), model.name(), action.describe());
      } else {
        metrics.error();
      }
    }

    long generation = Objects.requireNonNullElse(rs.getMetadata().getGeneration(), 0L);
    ReplicaSetStatus next =
        StatusBuilder.build(generation, previous, model, observation, decision, outcome, now);
    reportChanges(rs, previous, next, decision, outcome, now);

    Duration again = StatusBuilder.settled(decision) ? IN_SYNC : IN_PROGRESS;
    if (decision instanceof Refusal r && !r.cause().needsPerson()) {
      again = IN_PROGRESS;
    }
    if (next.equals(previous)) {
      return UpdateControl.<ReplicaSet>noUpdate().rescheduleAfter(again);
    }
    return UpdateControl.patchStatus(statusPatch(rs, next)).rescheduleAfter(again);
  }

  /**
   * Events for what changed and took no action: a new wait, a new refusal, a new failure. A pass
   * that repeats the previous one's finding records nothing.
   */
  private void reportChanges(
      ReplicaSet rs,
      ReplicaSetStatus previous,
      ReplicaSetStatus next,
      Decision decision,
      Outcome outcome,
      Instant now) {
    if (outcome.error() != null) {
      if (!sameCondition(previous, next, Conditions.RECONCILING)) {
        events.warning(rs, StatusBuilder.ACTION_FAILED, outcome.error(), now);
      }
      return;
    }
    if (decision instanceof Refusal r) {
      String type = r.cause().needsPerson() ? Conditions.STALLED : Conditions.RECONCILING;
      if (!sameCondition(previous, next, type)) {
        metrics.refusal(r.cause().name());
        events.warning(rs, r.cause().name(), r.describe(), now);
      }
    } else if (decision instanceof Wait w) {
      String before = previous == null ? null : previous.getWaitingFor();
      if (w.cause() != Wait.Cause.Paused && !w.text().equals(before)) {
        events.normal(rs, w.cause().name(), w.describe(), now);
      }
    }
  }

  private static boolean sameCondition(
      ReplicaSetStatus previous, ReplicaSetStatus next, String type) {
    if (previous == null || previous.getConditions() == null) {
      return false;
    }
    Optional<Condition> a = find(previous, type);
    Optional<Condition> b = find(next, type);
    return a.isPresent()
        && b.isPresent()
        && Objects.equals(a.get().getStatus(), b.get().getStatus())
        && Objects.equals(a.get().getReason(), b.get().getReason())
        && Objects.equals(a.get().getMessage(), b.get().getMessage());
  }

  private static Optional<Condition> find(ReplicaSetStatus s, String type) {
    return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * The object the status is applied with: name, namespace and the whole status, nothing else. A
   * fresh object, because the one JOSDK hands the reconciler is its cache's.
   */
  private static ReplicaSet statusPatch(ReplicaSet rs, ReplicaSetStatus status) {
    ReplicaSet patch = new ReplicaSet();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(rs.getMetadata().getName())
            .withNamespace(rs.getMetadata().getNamespace())
            .build());
    patch.setSpec(null);
    patch.setStatus(status);
    return patch;
  }

  private static String annotation(ReplicaSet rs, String key) {
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** When the operator last stepped a primary down, from status.lastAction. */
  static Instant lastStepDown(ReplicaSetStatus status) {
    LastAction last = status == null ? null : status.getLastAction();
    if (last == null || !"StepDown".equals(last.getType()) || last.getTime() == null) {
      return null;
    }
    try {
      return Instant.parse(last.getTime());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
