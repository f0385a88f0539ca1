package dev.starling.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

/** The Java view of a ReplicaSet read from YAML: the contract's fields and defaults. */
class ReplicaSetResourceTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static ReplicaSet read(String yaml) throws Exception {
    return YAML.readValue(yaml, ReplicaSet.class);
  }

  @Test
  void identifiesAsStarlingReplicaSet() {
    ReplicaSet rs = new ReplicaSet();
    assertThat(rs.getApiVersion()).isEqualTo("starling.dev/v1alpha1");
    assertThat(rs.getKind()).isEqualTo("ReplicaSet");
    assertThat(rs.getPlural()).isEqualTo("replicasets");
    assertThat(ReplicaSet.getShortNames(ReplicaSet.class)).containsExactly("srs");
    assertThat(ReplicaSet.getCategories(ReplicaSet.class)).containsExactly("starling");
    assertThat(rs.getScope()).isEqualTo("Namespaced");
  }

  @Test
  void anEmptySpecTakesTheContractsDefaults() throws Exception {
    ReplicaSetSpec spec =
        read("apiVersion: starling.dev/v1alpha1\n"
                + "kind: ReplicaSet\n"
                + "metadata: {name: orders}\n"
                + "spec: {}\n")
            .getSpec();
    assertThat(spec.getMembers()).isEqualTo(3);
    assertThat(spec.getArbiters()).isZero();
    assertThat(spec.getImage()).isEqualTo("starling/node:0.1.0");
    assertThat(spec.getStorage().getSize()).isEqualTo(new Quantity("10Gi"));
    assertThat(spec.getStorage().getStorageClassName()).isNull();
    assertThat(spec.getStorage().getRetainOnScaleDown()).isTrue();
    assertThat(spec.getPaused()).isFalse();
    assertThat(spec.getUpdateStrategy().getType()).isEqualTo(UpdateStrategy.Type.Automatic);
    assertThat(spec.getUpdateStrategy().getPacingSeconds()).isZero();
    assertThat(spec.getSettings().getElectionTimeoutMillis()).isEqualTo(10_000);
    assertThat(spec.getSettings().getHeartbeatIntervalMillis()).isEqualTo(2_000);
    assertThat(spec.getSettings().getChainingAllowed()).isTrue();
    assertThat(spec.getSettings().getCatchUpTimeoutMillis()).isEqualTo(-1);
    assertThat(spec.getOplogSizeMB()).isNull();
    assertThat(spec.getPreferredPrimary()).isNull();
  }

  @Test
  void readsTheContractsExample() throws Exception {
    ReplicaSet rs =
        read(
            """
            apiVersion: starling.dev/v1alpha1
            kind: ReplicaSet
            metadata: {name: orders, namespace: shop}
            spec:
              members: 3
              arbiters: 0
              image: starling/node:0.1.0
              storage: {size: 10Gi, storageClassName: null, retainOnScaleDown: true}
              resources: {requests: {cpu: 500m, memory: 1Gi}}
              oplogSizeMB: 2048
              settings: {electionTimeoutMillis: 10000, heartbeatIntervalMillis: 2000, chainingAllowed: true, catchUpTimeoutMillis: -1}
              memberConfig:
                - {member: 2, priority: 0, votes: 1, hidden: true, secondaryDelaySecs: 3600, tags: {dc: east}}
              writeConcernModes: {twoDCs: {dc: 2}}
              defaultWriteConcern: {w: majority}
              nodeParameters: {cursorTimeoutMillis: "600000"}
              preferredPrimary: 0
              paused: false
              updateStrategy: {type: Automatic, pacingSeconds: 0}
            status:
              observedGeneration: 4
              phase: Ready
              conditions:
                - {type: Ready, status: "True", reason: AllMembersHealthy, message: "...", observedGeneration: 4}
              replicas: 3
              readyReplicas: 3
              selector: "app.kubernetes.io/instance=orders,app.kubernetes.io/name=starling-node"
              primary: orders-0
              members:
                - {name: orders-0, host: orders-0.orders-hs.shop.svc.cluster.local:27017, state: PRIMARY, health: 1,
                   votes: 1, priority: 1, hidden: false, secondaryDelaySecs: 0, lagSeconds: 0, oplogSizeMB: 2048}
              configVersion: 7
              term: 3
              lastAction: {type: AddMember, member: orders-3, reason: ScaleUp, time: "2026-12-04T12:00:00Z"}
              waitingFor: "orders-3 to catch up (lag 12 s)"
              stepDownHandled: "v2"
            """);
    ReplicaSetSpec spec = rs.getSpec();
    assertThat(spec.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"));
    assertThat(spec.getMemberConfig())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMember()).isEqualTo(2);
              assertThat(m.getPriority()).isZero();
              assertThat(m.getHidden()).isTrue();
              assertThat(m.getSecondaryDelaySecs()).isEqualTo(3600);
              assertThat(m.getTags()).containsEntry("dc", "east");
            });
    assertThat(spec.getWriteConcernModes()).containsKey("twoDCs");
    assertThat(spec.getDefaultWriteConcern().getW().getStrVal()).isEqualTo("majority");
    assertThat(spec.getNodeParameters()).containsEntry("cursorTimeoutMillis", "600000");
    ReplicaSetStatus status = rs.getStatus();
    assertThat(status.getPhase()).isEqualTo(Phase.Ready);
    assertThat(status.getConditions().get(0).getObservedGeneration()).isEqualTo(4);
    assertThat(status.getMembers().get(0).getOplogSizeMB()).isEqualTo(2048);
    assertThat(status.getLastAction().getType()).isEqualTo("AddMember");
    assertThat(status.getStepDownHandled()).isEqualTo("v2");
  }

  @Test
  void statusWrittenBackReadsTheSame() throws Exception {
    ReplicaSetStatus status = new ReplicaSetStatus();
    status.setPhase(Phase.Scaling);
    status.setWaitingFor("orders-3 to start");
    status.setLastAction(
        new LastAction("GrowStatefulSet", null, "ScaleUp", "2026-12-04T12:00:00Z"));
    String json = new ObjectMapper().writeValueAsString(status);
    assertThat(json).doesNotContain("null");
    assertThat(new ObjectMapper().readValue(json, ReplicaSetStatus.class)).isEqualTo(status);
  }
}
