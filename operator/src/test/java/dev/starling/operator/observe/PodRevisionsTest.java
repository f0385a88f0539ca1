package dev.starling.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.TestSets;
import dev.starling.operator.api.v1alpha1.Annotations;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.plan.PodFacts;
import dev.starling.operator.plan.Reason;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PodRevisionsTest {

  private static ReplicaSet resource(Consumer<ReplicaSet> change) {
    ReplicaSet rs = TestSets.orders();
    rs.getSpec().setMembers(3);
    rs.getSpec().setImage("starling/node:1");
    change.accept(rs);
    return rs;
  }

  /** The StatefulSet the model makes, as the controller reports it at {@code revision}. */
  private static StatefulSet statefulSet(ReplicaSet rs, String revision, long observed) {
    StatefulSet s = ReplicaSetModel.from(rs).statefulSet();
    s.getMetadata().setGeneration(2L);
    s.setStatus(
        new StatefulSetStatusBuilder()
            .withObservedGeneration(observed)
            .withUpdateRevision(revision)
            .build());
    return s;
  }

  /** A pod the controller created from {@code rs}'s template at {@code revision}. */
  private static Pod pod(ReplicaSet rs, String revision) {
    StatefulSet s = ReplicaSetModel.from(rs).statefulSet();
    Map<String, String> labels = new HashMap<>(s.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(PodRevisions.REVISION_LABEL, revision);
    return new PodBuilder()
        .withNewMetadata()
        .withName("orders-1")
        .withNamespace("shop")
        .withLabels(labels)
        .withAnnotations(s.getSpec().getTemplate().getMetadata().getAnnotations())
        .withCreationTimestamp("2026-12-05T01:00:00Z")
        .withResourceVersion("42")
        .endMetadata()
        .withSpec(s.getSpec().getTemplate().getSpec())
        .build();
  }

  @Test
  void aPodAtTheUpdateRevisionIsCurrent() {
    ReplicaSet rs = resource(r -> {});
    PodFacts f = PodRevisions.facts(Optional.of(statefulSet(rs, "r1", 2)), pod(rs, "r1"));
    assertThat(f.outdated()).isFalse();
    assertThat(f.created()).isEqualTo(Instant.parse("2026-12-05T01:00:00Z"));
    assertThat(f.resourceVersion()).isEqualTo("42");
  }

  @Test
  void aNewImageIsTheReason() {
    ReplicaSet before = resource(r -> {});
    ReplicaSet after = resource(r -> r.getSpec().setImage("starling/node:2"));
    PodFacts f = PodRevisions.facts(Optional.of(statefulSet(after, "r2", 2)), pod(before, "r1"));
    assertThat(f.restartReason()).isEqualTo(Reason.ImageChanged);
    assertThat(f.restartDetail()).isEqualTo("image starling/node:1 to starling/node:2");
  }

  @Test
  void newResourcesAreTheReason() {
    ReplicaSet before = resource(r -> {});
    ReplicaSet after =
        resource(
            r ->
                r.getSpec()
                    .setResources(
                        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                            .withRequests(Map.of("cpu", new Quantity("250m")))
                            .build()));
    PodFacts f = PodRevisions.facts(Optional.of(statefulSet(after, "r2", 2)), pod(before, "r1"));
    assertThat(f.restartReason()).isEqualTo(Reason.ResourcesChanged);
  }

  @Test
  void newNodeParametersChangeTheConfigDigestButAnOplogSizeDoesNot() {
    ReplicaSet before = resource(r -> {});
    ReplicaSet oplog = resource(r -> r.getSpec().setOplogSizeMB(4096));
    ReplicaSet flags =
        resource(r -> r.getSpec().setNodeParameters(Map.of("cursorTimeoutMillis", "1000")));
    String digest = ReplicaSetModel.from(before).configDigest();
    assertThat(ReplicaSetModel.from(oplog).configDigest()).isEqualTo(digest);
    assertThat(ReplicaSetModel.from(flags).configDigest()).isNotEqualTo(digest);
    assertThat(
            ReplicaSetModel.from(flags)
                .statefulSet()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsEntry(Annotations.CONFIG_DIGEST, ReplicaSetModel.from(flags).configDigest());

    PodFacts f = PodRevisions.facts(Optional.of(statefulSet(flags, "r2", 2)), pod(before, "r1"));
    assertThat(f.restartReason()).isEqualTo(Reason.NodeConfigChanged);
  }

  @Test
  void anyOtherTemplateChangeIsPodTemplateChanged() {
    ReplicaSet rs = resource(r -> {});
    PodFacts f = PodRevisions.facts(Optional.of(statefulSet(rs, "r2", 2)), pod(rs, "r1"));
    assertThat(f.restartReason()).isEqualTo(Reason.PodTemplateChanged);
    assertThat(f.restartDetail()).contains("r1 to r2");
  }

  @Test
  void revisionsAreUnknownUntilTheControllerObservedTheGeneration() {
    ReplicaSet rs = resource(r -> {});
    StatefulSet lagging = statefulSet(rs, "r1", 1);
    assertThat(PodRevisions.known(lagging)).isFalse();
    assertThat(PodRevisions.facts(Optional.of(lagging), pod(rs, "r0")).outdated()).isFalse();
    assertThat(PodRevisions.known(statefulSet(rs, "r1", 2))).isTrue();
  }

  @Test
  void aTerminatingPodSaysSo() {
    ReplicaSet rs = resource(r -> {});
    Pod p = pod(rs, "r1");
    p.getMetadata().setDeletionTimestamp("2026-12-05T01:01:00Z");
    assertThat(PodRevisions.facts(Optional.of(statefulSet(rs, "r1", 2)), p).terminating()).isTrue();
  }
}
