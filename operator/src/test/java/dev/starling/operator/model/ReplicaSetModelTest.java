package dev.starling.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.starling.operator.api.v1alpha1.MemberConfig;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ReplicaSetModelTest {
  static final String UID = "6b1e7a3c-0000-4000-8000-000000000001";

  static ReplicaSetModel model(Consumer<ReplicaSetSpec> spec) {
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(
        new ObjectMetaBuilder().withName("orders").withNamespace("shop").withUid(UID).build());
    spec.accept(rs.getSpec());
    return ReplicaSetModel.from(rs);
  }

  static ReplicaSetModel model() {
    return model(s -> {});
  }

  @Test
  void namesMembersByTheirPodsInTheHeadlessServiceDomain() {
    ReplicaSetModel m = model();
    assertThat(m.podName(2)).isEqualTo("orders-2");
    assertThat(m.memberHost(2)).isEqualTo("orders-2.orders-hs.shop.svc.cluster.local:27017");
    assertThat(m.arbiterHost(0))
        .isEqualTo("orders-arbiter-0.orders-hs.shop.svc.cluster.local:27017");
    assertThat(ReplicaSetModel.from(m.resource(), "corp.example").memberHost(0))
        .isEqualTo("orders-0.orders-hs.shop.svc.corp.example:27017");
  }

  @Test
  void connectionStringsListTheSeedsAndTheSrvName() {
    ReplicaSetModel m = model();
    assertThat(m.connectionString())
        .isEqualTo(
            "mongodb://orders-0.orders-hs.shop.svc.cluster.local:27017,"
                + "orders-1.orders-hs.shop.svc.cluster.local:27017,"
                + "orders-2.orders-hs.shop.svc.cluster.local:27017/?replicaSet=orders");
    assertThat(m.srvConnectionString())
        .isEqualTo("mongodb+srv://orders-hs.shop.svc.cluster.local/?replicaSet=orders&tls=false");
  }

  @Test
  void selectorIsTheContractsString() {
    assertThat(model().selector())
        .isEqualTo("app.kubernetes.io/instance=orders,app.kubernetes.io/name=starling-node");
  }

  @Test
  void everyObjectIsControlledByTheReplicaSet() {
    ReplicaSetModel m = model(s -> s.setArbiters(1));
    List<HasMetadata> all =
        List.of(
            m.headlessService(),
            m.clientService(),
            m.configMap(),
            m.statefulSet(),
            m.arbiterStatefulSet().orElseThrow(),
            m.podDisruptionBudget());
    for (HasMetadata o : all) {
      assertThat(o.getMetadata().getNamespace()).isEqualTo("shop");
      assertThat(o.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "starling-operator")
          .containsEntry("app.kubernetes.io/instance", "orders");
      OwnerReference owner = o.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getApiVersion()).isEqualTo("starling.dev/v1alpha1");
      assertThat(owner.getKind()).isEqualTo("ReplicaSet");
      assertThat(owner.getName()).isEqualTo("orders");
      assertThat(owner.getUid()).isEqualTo(UID);
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    }
    assertThat(all)
        .extracting(o -> o.getMetadata().getName())
        .containsExactly(
            "orders-hs", "orders", "orders-config", "orders", "orders-arbiter", "orders");
  }

  @Test
  void headlessServicePublishesEveryPodWithANamedPortForSrvRecords() {
    Service s = model().headlessService();
    assertThat(s.getMetadata().getName()).isEqualTo("orders-hs");
    assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(s.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(s.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("mongodb");
              assertThat(p.getPort()).isEqualTo(27017);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            });
    assertThat(s.getSpec().getSelector())
        .containsExactly(Map.entry("starling.dev/replica-set", "orders"));
  }

  @Test
  void clientServiceSelectsTheDataMembersOnly() {
    Service s = model().clientService();
    assertThat(s.getMetadata().getName()).isEqualTo("orders");
    assertThat(s.getSpec().getClusterIP()).isNull();
    assertThat(s.getSpec().getSelector())
        .containsOnly(
            Map.entry("app.kubernetes.io/instance", "orders"),
            Map.entry("app.kubernetes.io/name", "starling-node"));
    assertThat(s.getSpec().getPorts().get(0).getName()).isEqualTo("mongodb");
  }

  static JsonNode conf(ReplicaSetModel m) throws Exception {
    String yaml = m.configMap().getData().get("mongod.conf");
    return new ObjectMapper(new YAMLFactory()).readTree(yaml);
  }

  @Test
  void configMapHoldsTheNodesConfigFile() throws Exception {
    ReplicaSetModel m =
        model(
            s -> {
              s.setOplogSizeMB(2048);
              s.setNodeParameters(Map.of("cursorTimeoutMillis", "600000"));
            });
    assertThat(m.configMap().getMetadata().getName()).isEqualTo("orders-config");
    JsonNode c = conf(m);
    assertThat(c.at("/net/port").asInt()).isEqualTo(27017);
    assertThat(c.at("/net/bindIpAll").asBoolean()).isTrue();
    assertThat(c.at("/storage/dbPath").asText()).isEqualTo("/data/db");
    assertThat(c.at("/replication/replSetName").asText()).isEqualTo("orders");
    assertThat(c.at("/replication/oplogSizeMB").asInt()).isEqualTo(2048);
    assertThat(c.at("/setParameter/cursorTimeoutMillis").isTextual()).isTrue();
    assertThat(c.at("/setParameter/cursorTimeoutMillis").asText()).isEqualTo("600000");
  }

  /**
   * Only settings starling-node reads from a config file (its NodeOptions: net.port, net.bindIp,
   * net.bindIpAll, storage.dbPath, storage.oplogMinRetentionHours, replication.replSetName,
   * replication.oplogSizeMB, security.keyFile, setParameter.*); it refuses any other key.
   */
  @Test
  void configFileUsesOnlySettingsTheNodeReads() throws Exception {
    JsonNode c = conf(model(s -> s.setOplogSizeMB(990)));
    List<String> known =
        List.of(
            "net.port",
            "net.bindIp",
            "net.bindIpAll",
            "storage.dbPath",
            "storage.oplogMinRetentionHours",
            "replication.replSetName",
            "replication.oplogSizeMB",
            "security.keyFile");
    c.fields()
        .forEachRemaining(
            section ->
                section
                    .getValue()
                    .fieldNames()
                    .forEachRemaining(
                        key -> assertThat(known).contains(section.getKey() + "." + key)));
    assertThat(conf(model()).at("/replication").has("oplogSizeMB")).isFalse();
    assertThat(conf(model()).has("setParameter")).isFalse();
  }

  @Test
  void statefulSetRunsTheMembersAsTheContractSays() {
    ReplicaSetModel m = model(s -> s.setMembers(5));
    StatefulSet sts = m.statefulSet();
    assertThat(sts.getMetadata().getName()).isEqualTo("orders");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(5);
    assertThat(sts.getSpec().getServiceName()).isEqualTo("orders-hs");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
    assertThat(sts.getSpec().getSelector().getMatchLabels())
        .containsOnly(
            Map.entry("app.kubernetes.io/instance", "orders"),
            Map.entry("app.kubernetes.io/name", "starling-node"));
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "starling-node")
        .containsEntry("app.kubernetes.io/instance", "orders")
        .containsEntry("app.kubernetes.io/managed-by", "starling-operator")
        .containsEntry("starling.dev/replica-set", "orders");
    assertThat(m.statefulSet(3).getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void nodeContainerReadsItsConfigFromTheConfigMap() {
    ReplicaSetModel m = model(s -> s.setImage("registry.example/starling/node:0.2.0"));
    PodSpec pod = m.statefulSet().getSpec().getTemplate().getSpec();
    Container node = pod.getContainers().get(0);
    assertThat(node.getName()).isEqualTo("node");
    assertThat(node.getImage()).isEqualTo("registry.example/starling/node:0.2.0");
    assertThat(node.getArgs()).containsExactly("--config", "/etc/starling/mongod.conf");
    assertThat(node.getVolumeMounts())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("config");
              assertThat(v.getMountPath()).isEqualTo("/etc/starling");
            })
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("data");
              assertThat(v.getMountPath()).isEqualTo("/data/db");
            });
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("orders-config"));
    assertThat(node.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("mongodb:27017", "http:28017");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30);
  }

  @Test
  void probesNeverKillAMemberForBeingInSync() {
    Container node = model().statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(Stream.of(node.getStartupProbe(), node.getLivenessProbe()))
        .allSatisfy(
            p -> {
              assertThat(p.getHttpGet().getPath()).isEqualTo("/healthz");
              assertThat(p.getHttpGet().getPort()).isEqualTo(new IntOrString(28017));
            });
    assertThat(node.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    Probe startup = node.getStartupProbe();
    assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
        .as("seconds a member has to open its storage")
        .isGreaterThanOrEqualTo(600);
    Probe liveness = node.getLivenessProbe();
    assertThat(liveness.getPeriodSeconds() * liveness.getFailureThreshold())
        .as("seconds of a hung process before a restart")
        .isGreaterThanOrEqualTo(60);
  }

  @Test
  void volumeClaimsFollowTheStorageSpec() {
    ReplicaSetModel m =
        model(
            s -> {
              s.getStorage().setSize(new Quantity("20Gi"));
              s.getStorage().setStorageClassName("fast");
            });
    StatefulSet sts = m.statefulSet();
    var claim = sts.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getMetadata().getName()).isEqualTo("data");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("20Gi"));
    assertThat(
            model()
                .statefulSet()
                .getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests())
        .containsEntry("storage", new Quantity("10Gi"));
  }

  @Test
  void claimsAreRetainedOnScaleDownUnlessTheSpecSaysOtherwise() {
    var kept = model().statefulSet().getSpec().getPersistentVolumeClaimRetentionPolicy();
    assertThat(kept.getWhenScaled()).isEqualTo("Retain");
    assertThat(kept.getWhenDeleted()).isEqualTo("Retain");
    var deleted =
        model(s -> s.getStorage().setRetainOnScaleDown(false))
            .statefulSet()
            .getSpec()
            .getPersistentVolumeClaimRetentionPolicy();
    assertThat(deleted.getWhenScaled()).isEqualTo("Delete");
    assertThat(deleted.getWhenDeleted()).isEqualTo("Retain");
  }

  @Test
  void membersSpreadOverNodesAndZonesWithoutRefusingToSchedule() {
    PodSpec pod = model().statefulSet().getSpec().getTemplate().getSpec();
    var preferred =
        pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    assertThat(preferred)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(w.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                  .containsEntry("starling.dev/replica-set", "orders");
            });
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .isEmpty();
    assertThat(pod.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
              assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
              assertThat(t.getMaxSkew()).isEqualTo(1);
            });
  }

  @Test
  void resourcesComeFromTheSpec() {
    ReplicaSetModel m =
        model(
            s ->
                s.setResources(
                    new ResourceRequirementsBuilder()
                        .withRequests(
                            Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")))
                        .build()));
    Container node = m.statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(node.getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity("1Gi"));
  }

  @Test
  void arbiterStatefulSetOnlyWhenAsked() {
    assertThat(model().arbiterStatefulSet()).isEmpty();
    StatefulSet a = model(s -> s.setArbiters(1)).arbiterStatefulSet().orElseThrow();
    assertThat(a.getMetadata().getName()).isEqualTo("orders-arbiter");
    assertThat(a.getSpec().getReplicas()).isEqualTo(1);
    assertThat(a.getSpec().getServiceName()).isEqualTo("orders-hs");
    assertThat(a.getSpec().getVolumeClaimTemplates()).isEmpty();
    assertThat(a.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(a.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/name", "starling-arbiter")
        .doesNotContainEntry("app.kubernetes.io/name", "starling-node");
    assertThat(a.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("starling.dev/replica-set", "orders");
  }

  @Test
  void podDisruptionBudgetLetsOneMemberGoAtATime() {
    var pdb = model().podDisruptionBudget();
    assertThat(pdb.getMetadata().getName()).isEqualTo("orders");
    assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .containsOnly(Map.entry("starling.dev/replica-set", "orders"));
  }

  @Test
  void memberSettingsComeFromMemberConfigOrMongoDbDefaults() {
    MemberConfig delayed = new MemberConfig(2);
    delayed.setPriority(0.0);
    delayed.setHidden(true);
    delayed.setSecondaryDelaySecs(3600L);
    delayed.setTags(Map.of("use", "backup"));
    ReplicaSetModel m = model(s -> s.setMemberConfig(List.of(delayed)));
    assertThat(m.memberSettings(0)).isEqualTo(MemberSettings.DEFAULT);
    assertThat(m.memberSettings(2))
        .isEqualTo(new MemberSettings(0, 1, true, 3600, Map.of("use", "backup")));
    assertThat(m.memberSettings(2).electable()).isFalse();
  }
}
