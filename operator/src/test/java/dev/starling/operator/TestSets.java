package dev.starling.operator;

import dev.starling.operator.api.v1alpha1.ReplicaSet;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** The ReplicaSet {@code shop/orders} the unit tests start from, with the default spec. */
public final class TestSets {
  private TestSets() {}

  public static ReplicaSet orders() {
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(
        new ObjectMetaBuilder()
            .withName("orders")
            .withNamespace("shop")
            .withUid("6b1e7a3c-0000-4000-8000-000000000001")
            .withGeneration(1L)
            .build());
    return rs;
  }
}
