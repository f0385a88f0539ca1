package dev.starling.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.model.Labels;
import dev.starling.operator.model.ReplicaSetModel;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObserverTest {
  static ReplicaSetModel model() {
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("shop").build());
    return ReplicaSetModel.from(rs);
  }

  static Pod pod(String name, String kind, String phase, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .withLabels(Map.of(Labels.NAME, kind, Labels.REPLICA_SET, "orders"))
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  @Test
  void podsAreAskedByTheirMemberHostDataMembersByOrdinalThenArbiters() {
    List<Observer.PodTarget> targets =
        Observer.targets(
            model(),
            List.of(
                pod("orders-arbiter-0", Labels.ARBITER, "Running", "10.244.0.9"),
                pod("orders-10", Labels.NODE, "Running", "10.244.0.7"),
                pod("orders-2", Labels.NODE, "Pending", null),
                pod("orders-0", Labels.NODE, "Running", "10.244.0.5"),
                pod("orders-backup", Labels.NODE, "Running", "10.244.0.6")));

    assertThat(targets)
        .containsExactly(
            new Observer.PodTarget(
                "orders-0", "orders-0.orders-hs.shop.svc.cluster.local:27017", false, 0, true),
            new Observer.PodTarget(
                "orders-2", "orders-2.orders-hs.shop.svc.cluster.local:27017", false, 2, false),
            new Observer.PodTarget(
                "orders-10", "orders-10.orders-hs.shop.svc.cluster.local:27017", false, 10, true),
            new Observer.PodTarget(
                "orders-arbiter-0",
                "orders-arbiter-0.orders-hs.shop.svc.cluster.local:27017",
                true,
                0,
                true));
  }
}
