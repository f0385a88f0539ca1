package dev.starling.operator.observe;

import dev.starling.operator.api.v1alpha1.Annotations;
import dev.starling.operator.plan.PodFacts;
import dev.starling.operator.plan.Reason;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a pod runs its StatefulSet's current template, and if not, what changed. Pure: the
 * StatefulSet controller labels each pod it creates with {@value #REVISION_LABEL} and records the
 * template's newest revision in {@code status.updateRevision}; a pod of another revision is
 * outdated. The reason compares the pod with the template: the node container's image, then its
 * resources, then the config digest annotation; anything else is {@link Reason#PodTemplateChanged}.
 */
public final class PodRevisions {
  /** The label the StatefulSet controller puts on every pod it creates. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  private PodRevisions() {}

  /**
   * The StatefulSet controller has recorded its current template: {@code status.updateRevision} is
   * set and {@code status.observedGeneration} has caught up with {@code metadata.generation}.
   */
  public static boolean known(StatefulSet s) {
    if (s.getStatus() == null || s.getStatus().getUpdateRevision() == null) {
      return false;
    }
    Long generation = s.getMetadata().getGeneration();
    Long observed = s.getStatus().getObservedGeneration();
    return generation == null || (observed != null && observed >= generation);
  }

  /** The facts of {@code pod}, a pod of {@code statefulSet} (which may be absent). */
  public static PodFacts facts(Optional<StatefulSet> statefulSet, Pod pod) {
    boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
    boolean ready = ready(pod);
    Instant created = instant(pod.getMetadata().getCreationTimestamp());
    String version = pod.getMetadata().getResourceVersion();
    if (statefulSet.isEmpty() || !known(statefulSet.get())) {
      return new PodFacts(null, null, terminating, ready, created, version);
    }
    StatefulSet s = statefulSet.get();
    Map<String, String> labels = pod.getMetadata().getLabels();
    String revision = labels == null ? null : labels.get(REVISION_LABEL);
    if (revision == null || revision.equals(s.getStatus().getUpdateRevision())) {
      return new PodFacts(null, null, terminating, ready, created, version);
    }
    PodTemplateSpec template = s.getSpec().getTemplate();
    Reason reason = Reason.PodTemplateChanged;
    String detail =
        "pod template changed (revision "
            + revision
            + " to "
            + s.getStatus().getUpdateRevision()
            + ")";
    Optional<Container> was = firstContainer(pod.getSpec());
    Optional<Container> wanted = firstContainer(template.getSpec());
    String digestWas = annotation(pod.getMetadata().getAnnotations());
    String digestWanted = annotation(template.getMetadata().getAnnotations());
    if (was.isPresent()
        && wanted.isPresent()
        && !Objects.equals(was.get().getImage(), wanted.get().getImage())) {
      reason = Reason.ImageChanged;
      detail = "image " + was.get().getImage() + " to " + wanted.get().getImage();
    } else if (was.isPresent()
        && wanted.isPresent()
        && !sameResources(was.get().getResources(), wanted.get().getResources())) {
      reason = Reason.ResourcesChanged;
      detail =
          "resources "
              + describe(was.get().getResources())
              + " to "
              + describe(wanted.get().getResources());
    } else if (!Objects.equals(digestWas, digestWanted)) {
      reason = Reason.NodeConfigChanged;
      detail = "node config " + digestWas + " to " + digestWanted;
    }
    return new PodFacts(reason, detail, terminating, ready, created, version);
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Optional<Container> firstContainer(PodSpec spec) {
    List<Container> containers = spec == null ? null : spec.getContainers();
    return containers == null || containers.isEmpty()
        ? Optional.empty()
        : Optional.of(containers.get(0));
  }

  private static String annotation(Map<String, String> annotations) {
    return annotations == null ? null : annotations.get(Annotations.CONFIG_DIGEST);
  }

  /** Equal requests and limits; an absent map equals an empty one. */
  private static boolean sameResources(ResourceRequirements a, ResourceRequirements b) {
    return Objects.equals(requests(a), requests(b)) && Objects.equals(limits(a), limits(b));
  }

  private static Map<String, ?> requests(ResourceRequirements r) {
    return r == null || r.getRequests() == null ? Map.of() : r.getRequests();
  }

  private static Map<String, ?> limits(ResourceRequirements r) {
    return r == null || r.getLimits() == null ? Map.of() : r.getLimits();
  }

  private static String describe(ResourceRequirements r) {
    return "{requests " + requests(r) + ", limits " + limits(r) + "}";
  }

  private static Instant instant(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
