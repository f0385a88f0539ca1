package dev.starling.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.model.Labels;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.observe.PodRevisions;
import dev.starling.operator.plan.PodFacts;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The Kubernetes objects of a set: each is sent with server-side apply (the controller's field
 * manager, forced) only when the cached object lacks a field of the model's, so that a reconcile
 * with nothing to change writes nothing. The StatefulSets keep their current size: the planner owns
 * it.
 */
final class Dependents {
  private static final Logger LOG = Logger.getLogger(Dependents.class);

  final InformerEventSource<StatefulSet, ReplicaSet> statefulSets;
  final InformerEventSource<Service, ReplicaSet> services;
  final InformerEventSource<ConfigMap, ReplicaSet> configMaps;
  final InformerEventSource<PodDisruptionBudget, ReplicaSet> disruptionBudgets;
  final InformerEventSource<Pod, ReplicaSet> pods;
  private final KubernetesSerialization serialization;

  Dependents(
      InformerEventSource<StatefulSet, ReplicaSet> statefulSets,
      InformerEventSource<Service, ReplicaSet> services,
      InformerEventSource<ConfigMap, ReplicaSet> configMaps,
      InformerEventSource<PodDisruptionBudget, ReplicaSet> disruptionBudgets,
      InformerEventSource<Pod, ReplicaSet> pods,
      KubernetesSerialization serialization) {
    this.statefulSets = statefulSets;
    this.services = services;
    this.configMaps = configMaps;
    this.disruptionBudgets = disruptionBudgets;
    this.pods = pods;
    this.serialization = serialization;
  }

  /** The data and arbiter StatefulSets as they are now (either may be absent). */
  record Current(Optional<StatefulSet> data, Optional<StatefulSet> arbiter) {
    int dataReplicas() {
      return data.map(Dependents::replicas).orElse(0);
    }

    int arbiterReplicas() {
      return arbiter.map(Dependents::replicas).orElse(0);
    }

    /** Both StatefulSets (those that exist) have recorded their current template. */
    boolean revisionsKnown() {
      return data.map(PodRevisions::known).orElse(true)
          && arbiter.map(PodRevisions::known).orElse(true);
    }

    /** Each pod's facts against its own StatefulSet, by pod name. */
    Map<String, PodFacts> podFacts(List<Pod> pods) {
      Map<String, PodFacts> facts = new HashMap<>();
      for (Pod pod : pods) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        boolean isArbiter = labels != null && Labels.ARBITER.equals(labels.get(Labels.NAME));
        facts.put(pod.getMetadata().getName(), PodRevisions.facts(isArbiter ? arbiter : data, pod));
      }
      return facts;
    }
  }

  /** Applies every object that differs from the model; returns the StatefulSets. */
  Current apply(ReplicaSetModel model, Context<ReplicaSet> context) {
    ensure(model.headlessService(), services, context);
    ensure(model.clientService(), services, context);
    ensure(model.configMap(), configMaps, context);
    ensure(model.podDisruptionBudget(), disruptionBudgets, context);

    Optional<StatefulSet> data = cached(statefulSets, model.statefulSetName(), model.namespace());
    StatefulSet desired =
        data.isEmpty() ? model.statefulSet() : model.statefulSet(replicas(data.get()));
    data = Optional.of(ensure(desired, statefulSets, context));

    Optional<StatefulSet> arbiter =
        cached(statefulSets, model.arbiterStatefulSetName(), model.namespace());
    Optional<StatefulSet> wantedArbiter = model.arbiterStatefulSet();
    if (wantedArbiter.isPresent()) {
      StatefulSet a = wantedArbiter.get();
      arbiter.ifPresent(current -> a.getSpec().setReplicas(replicas(current)));
      arbiter = Optional.of(ensure(a, statefulSets, context));
    } else if (arbiter.isPresent() && replicas(arbiter.get()) == 0) {
      // No arbiter wanted, and the planner has shrunk its StatefulSet after removing it.
      context.getClient().resource(arbiter.get()).delete();
      arbiter = Optional.empty();
    }
    return new Current(data, arbiter);
  }

  /** What exists now, without applying anything (a paused set). */
  Current current(ReplicaSetModel model) {
    return new Current(
        cached(statefulSets, model.statefulSetName(), model.namespace()),
        cached(statefulSets, model.arbiterStatefulSetName(), model.namespace()));
  }

  /** Sets a StatefulSet's size: the planner's GrowStatefulSet and ShrinkStatefulSet. */
  void scale(ReplicaSetModel model, String name, int replicas, Context<ReplicaSet> context) {
    if (name.equals(model.statefulSetName())) {
      ensure(model.statefulSet(replicas), statefulSets, context);
      return;
    }
    Optional<StatefulSet> wanted = model.arbiterStatefulSet();
    if (wanted.isPresent()) {
      wanted.get().getSpec().setReplicas(replicas);
      ensure(wanted.get(), statefulSets, context);
      return;
    }
    // The spec no longer has an arbiter, so the model has no object to apply: change the size only.
    context
        .getClient()
        .apps()
        .statefulSets()
        .inNamespace(model.namespace())
        .withName(name)
        .edit(
            s -> {
              s.getSpec().setReplicas(replicas);
              return s;
            });
  }

  /**
   * The roller's restart: deletes the pod {@code name} only if it is still at {@code
   * resourceVersion} (a precondition the API server checks), so that a pod the StatefulSet
   * controller has already recreated under the same name is never deleted for the same change.
   */
  void restart(
      ReplicaSetModel model, String name, String resourceVersion, Context<ReplicaSet> context) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(model.namespace())
            .withResourceVersion(resourceVersion)
            .endMetadata()
            .build();
    context.getClient().pods().resource(pod).lockResourceVersion(resourceVersion).delete();
  }

  /** The set's pods from the cache. */
  List<Pod> pods(ReplicaSetModel model) {
    return pods.list(
            model.namespace(),
            p ->
                p.getMetadata().getLabels() != null
                    && model
                        .name()
                        .equals(
                            p.getMetadata()
                                .getLabels()
                                .get(dev.starling.operator.model.Labels.REPLICA_SET)))
        .toList();
  }

  private <R extends HasMetadata> R ensure(
      R desired, InformerEventSource<R, ReplicaSet> cache, Context<ReplicaSet> context) {
    Optional<R> actual =
        cached(cache, desired.getMetadata().getName(), desired.getMetadata().getNamespace());
    if (actual.isPresent()) {
      JsonNode a = serialization.convertValue(actual.get(), JsonNode.class);
      JsonNode d = serialization.convertValue(desired, JsonNode.class);
      Optional<String> difference = Drift.firstDifference(a, d);
      if (difference.isEmpty()) {
        return actual.get();
      }
      LOG.infof(
          "%s %s/%s differs at %s: applying",
          desired.getKind(),
          desired.getMetadata().getNamespace(),
          desired.getMetadata().getName(),
          difference.get());
    }
    return context.resourceOperations().serverSideApply(desired, cache);
  }

  private static <R extends HasMetadata> Optional<R> cached(
      InformerEventSource<R, ReplicaSet> cache, String name, String namespace) {
    return cache.get(new ResourceID(name, namespace));
  }

  static int replicas(StatefulSet s) {
    return s.getSpec() == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
  }
}
