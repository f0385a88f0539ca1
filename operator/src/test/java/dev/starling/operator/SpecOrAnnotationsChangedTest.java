package dev.starling.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecOrAnnotationsChangedTest {
  static ReplicaSet rs(long generation, Map<String, String> annotations) {
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(
        new ObjectMetaBuilder()
            .withName("orders")
            .withGeneration(generation)
            .withAnnotations(annotations)
            .build());
    return rs;
  }

  final SpecOrAnnotationsChanged filter = new SpecOrAnnotationsChanged();

  @Test
  void aSpecChangeOrAnAnnotationEditReconciles() {
    assertThat(filter.accept(rs(2, Map.of()), rs(1, Map.of()))).isTrue();
    assertThat(
            filter.accept(
                rs(1, Map.of("starling.dev/step-down", "v2")),
                rs(1, Map.of("starling.dev/step-down", "v1"))))
        .isTrue();
  }

  @Test
  void aStatusWriteDoesNot() {
    ReplicaSet updated = rs(1, Map.of("a", "b"));
    updated.setStatus(new ReplicaSetStatus());
    updated.getStatus().setPrimary("orders-1");

    assertThat(filter.accept(updated, rs(1, Map.of("a", "b")))).isFalse();
  }
}
