package dev.starling.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.operator.model.ReplicaSetModel;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class DriftTest {
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  static ReplicaSetModel model() {
    return ReplicaSetModel.from(TestSets.orders());
  }

  static JsonNode json(Object o) {
    return JSON.convertValue(o, JsonNode.class);
  }

  @Test
  void whatTheServerAddsIsNotDrift() {
    StatefulSet desired = model().statefulSet(3);
    ObjectNode actual = (ObjectNode) json(desired);
    actual.with("metadata").put("resourceVersion", "123").put("generation", 2);
    actual.with("spec").put("revisionHistoryLimit", 10);
    actual.with("spec").with("template").with("spec").put("dnsPolicy", "ClusterFirst");
    ((ObjectNode) actual.with("spec").withArray("volumeClaimTemplates").get(0))
        .with("status")
        .put("phase", "Pending");
    actual.with("status").put("replicas", 3);

    assertThat(Drift.firstDifference(actual, json(desired))).isEmpty();
  }

  @Test
  void aChangedFieldOrSizeIsDrift() {
    StatefulSet desired = model().statefulSet(3);

    assertThat(Drift.firstDifference(json(desired), json(model().statefulSet(4))))
        .contains("/spec/replicas");
    ObjectNode edited = (ObjectNode) json(desired);
    ((ObjectNode) edited.with("spec").with("template").with("spec").withArray("containers").get(0))
        .put("image", "someone/else:1");
    assertThat(Drift.firstDifference(edited, json(desired)))
        .contains("/spec/template/spec/containers/0/image");
  }

  @Test
  void quantitiesCompareByValueAndAMissingObjectIsDrift() {
    ObjectNode a = JSON.convertValue(java.util.Map.of("storage", "1024Mi"), ObjectNode.class);
    ObjectNode d = JSON.convertValue(java.util.Map.of("storage", "1Gi"), ObjectNode.class);

    assertThat(Drift.firstDifference(a, d)).isEmpty();
    assertThat(Drift.firstDifference(null, json(model().configMap()))).contains("/");
  }
}
