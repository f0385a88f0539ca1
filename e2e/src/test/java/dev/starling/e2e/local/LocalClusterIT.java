package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local control plane, end to end: the real kube-apiserver, etcd, controllers, scheduler and
 * CoreDNS built here, and the process kubelet running starling-node pods as real processes. Every
 * check goes through {@code e2e/starling-local} or the API server, as a user's would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {

  private static final Duration POD_START = Duration.ofMinutes(3);
  private static LocalCluster cluster;
  private static KubernetesClient kube;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.up(3);
    kube = cluster.client();
  }

  @AfterAll
  static void downLeavesNothingBehind() throws Exception {
    if (cluster == null) {
      return;
    }
    Path state = cluster.stateDir();
    String id =
        Files.readString(state.resolve("cluster.json"))
            .replaceAll("(?s).*\"id\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
    cluster.close();
    assertThat(state).doesNotExist();
    assertThat(netnsList()).noneMatch(ns -> ns.startsWith("stl-" + id));
    assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(state.toString());
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      List<String> left =
          procs
              .filter(p -> p.getFileName().toString().matches("\\d+"))
              .map(LocalClusterIT::commandLine)
              .filter(cmd -> cmd.contains(state.toString()))
              .toList();
      assertThat(left).as("processes still using %s", state).isEmpty();
    }
    // A second down finds nothing to do and says so without failing.
    LocalCluster.run(LocalCluster.checkout(), 60, "down").assertOk();
  }

  @Test
  @Order(1)
  void theControlPlaneServesTheVersionBuiltHereAndItsNodesAreReady() throws Exception {
    String version = cluster.kubectl("version", "-o", "json").assertOk().out();
    assertThat(version).contains("\"gitVersion\": \"v1.35.4\"");
    assertThat(cluster.kubectl("get", "--raw", "/readyz").assertOk().out().strip()).isEqualTo("ok");
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              List<Node> nodes = kube.nodes().list().getItems();
              assertThat(nodes).hasSize(3);
              assertThat(nodes)
                  .allMatch(
                      n ->
                          n.getStatus().getConditions().stream()
                              .anyMatch(
                                  c ->
                                      c.getType().equals("Ready") && c.getStatus().equals("True")));
              assertThat(nodes)
                  .extracting(n -> n.getMetadata().getLabels().get("topology.kubernetes.io/zone"))
                  .containsExactlyInAnyOrder("a", "b", "c");
            });
  }

  @Test
  @Order(2)
  void customResourcesAreValidatedByCelScaledAndPruned() throws Exception {
    cluster.apply(resource("widget-crd.yaml")).assertOk();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> cluster.kubectl("get", "widgets").exitCode() == 0);
    LocalCluster.Result refused =
        cluster.apply(
            """
            apiVersion: test.starling.dev/v1
            kind: Widget
            metadata: {name: too-big}
            spec: {replicas: 9}
            """);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("replicas must be at most 5");

    // kubectl asks the server to refuse unknown fields; without that check the schema prunes them.
    String small =
        """
        apiVersion: test.starling.dev/v1
        kind: Widget
        metadata: {name: small}
        spec: {replicas: 1, colour: blue}
        """;
    assertThat(cluster.apply(small).err()).contains("unknown field \"spec.colour\"");
    cluster.apply(small, "--validate=false").assertOk();
    cluster.kubectl("scale", "widget/small", "--replicas=3").assertOk();
    String spec = cluster.kubectl("get", "widget/small", "-o", "jsonpath={.spec}").assertOk().out();
    assertThat(spec).isEqualTo("{\"replicas\":3}");
  }

  @Test
  @Order(3)
  void aStatefulSetOfNodesFormsAReplicaSetThatSurvivesItsPodsAndFaults() throws Exception {
    cluster.apply(resource("node-statefulset.yaml")).assertOk();
    awaitPodsRunning("rs-e2e", 3);
    List<Pod> pods = pods("rs-e2e");
    assertThat(pods)
        .extracting(p -> p.getStatus().getPodIP())
        .doesNotHaveDuplicates()
        .allMatch(ip -> ip.startsWith("10.244."));

    // PyMongo 3.11 initiates with the members' DNS names, writes with w:majority and reads from a
    // secondary.
    cluster.python(python("initiate-write-read.py")).assertOk();
    String logs = cluster.kubectl("-n", "rs-e2e", "logs", "db-0").assertOk().out();
    assertThat(logs).contains("27017");

    // A deleted member comes back with the same volume and data, and the set heals.
    String oldUid = kube.pods().inNamespace("rs-e2e").withName("db-1").get().getMetadata().getUid();
    cluster.kubectl("-n", "rs-e2e", "delete", "pod", "db-1").assertOk();
    await()
        .atMost(POD_START)
        .until(
            () -> {
              Pod p = kube.pods().inNamespace("rs-e2e").withName("db-1").get();
              return p != null && !p.getMetadata().getUid().equals(oldUid) && isReady(p);
            });
    cluster.python(python("member-has-data.py") + "\ncheck('db-1')\n").assertOk();

    // OnDelete: a template change restarts nothing until a pod is deleted.
    Map<String, String> uids = uids("rs-e2e");
    cluster
        .kubectl(
            "-n",
            "rs-e2e",
            "patch",
            "statefulset",
            "db",
            "--type=json",
            "-p=[{\"op\":\"add\",\"path\":\"/spec/template/metadata/labels/revision\",\"value\":\"two\"}]")
        .assertOk();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              StatefulSet s = kube.apps().statefulSets().inNamespace("rs-e2e").withName("db").get();
              return s.getStatus().getObservedGeneration() >= s.getMetadata().getGeneration()
                  && !s.getStatus().getUpdateRevision().equals(s.getStatus().getCurrentRevision());
            });
    assertThat(uids("rs-e2e")).isEqualTo(uids);

    // fault kill: the container restarts in place.
    int before = restartCount("rs-e2e", "db-2");
    cluster.run("fault", "kill", "rs-e2e/db-2").assertOk();
    await()
        .atMost(POD_START)
        .until(() -> restartCount("rs-e2e", "db-2") > before && isReady(pod("rs-e2e", "db-2")));
    assertThat(kube.pods().inNamespace("rs-e2e").withName("db-2").get().getMetadata().getUid())
        .isEqualTo(uids.get("db-2"));

    // fault cut: the primary cut from both others; the majority elects, heal lets it rejoin.
    String primary =
        cluster
            .python(python("member-has-data.py") + "\nprint(primary())\n")
            .assertOk()
            .out()
            .strip();
    List<String> others =
        Stream.of("db-0", "db-1", "db-2").filter(n -> !n.equals(primary)).toList();
    for (String other : others) {
      cluster.run("fault", "cut", "rs-e2e/" + primary, "rs-e2e/" + other).assertOk();
    }
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              String now =
                  cluster
                      .python(
                          python("member-has-data.py")
                              + "\nprint(primary_among("
                              + pyList(others)
                              + "))\n")
                      .assertOk()
                      .out()
                      .strip();
              assertThat(others).contains(now);
            });
    cluster.run("fault", "heal").assertOk();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .python(
                                python("member-has-data.py")
                                    + "\nprint(state('"
                                    + primary
                                    + "'))\n")
                            .assertOk()
                            .out()
                            .strip())
                    .isEqualTo("SECONDARY"));
  }

  @Test
  @Order(4)
  void aPodsServiceAccountTokenIsBoundByRbac() throws Exception {
    cluster.apply(resource("rbac.yaml")).assertOk();
    await()
        .atMost(POD_START)
        .untilAsserted(
            () -> {
              Pod p = pod("rbac-e2e", "reader");
              assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
            });
    String out = cluster.kubectl("-n", "rbac-e2e", "logs", "reader").assertOk().out();
    assertThat(out).contains("pods=200").contains("secrets=403");
  }

  @Test
  @Order(5)
  void badPodsGetAKubeletsStatusAndOthersKeepRunning() throws Exception {
    cluster.apply(resource("bad-pods.yaml")).assertOk();
    await()
        .atMost(POD_START)
        .untilAsserted(
            () -> {
              assertThat(waitingReason("bad-e2e", "unknown-image"))
                  .isIn("ErrImagePull", "ImagePullBackOff");
              assertThat(waitingReason("bad-e2e", "missing-config")).isEqualTo("ContainerCreating");
              assertThat(waitingReason("bad-e2e", "exits-at-once")).isEqualTo("CrashLoopBackOff");
              Pod neverReady = pod("bad-e2e", "never-ready");
              assertThat(neverReady.getStatus().getPhase()).isEqualTo("Running");
              assertThat(isReady(neverReady)).isFalse();
              assertThat(isReady(pod("bad-e2e", "healthy"))).isTrue();
            });
    List<Event> events = kube.v1().events().inNamespace("bad-e2e").list().getItems();
    assertThat(events)
        .anyMatch(e -> e.getReason().equals("FailedMount") && e.getMessage().contains("absent"));
    // The replica set of the earlier test still serves.
    assertThat(pods("rs-e2e")).allMatch(LocalClusterIT::isReady);
  }

  // ----- helpers -----

  private static String resource(String name) throws IOException {
    try (var in = LocalClusterIT.class.getResourceAsStream("/local/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static String python(String name) throws IOException {
    return resource(name);
  }

  private static String pyList(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(",", "[", "]"));
  }

  private static void awaitPodsRunning(String ns, int count) {
    await()
        .atMost(POD_START)
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(ns);
              assertThat(pods).hasSize(count);
              assertThat(pods).allMatch(LocalClusterIT::isReady);
            });
  }

  private static List<Pod> pods(String ns) {
    return kube.pods().inNamespace(ns).list().getItems();
  }

  private static Pod pod(String ns, String name) {
    return kube.pods().inNamespace(ns).withName(name).get();
  }

  private static Map<String, String> uids(String ns) {
    return pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }

  private static boolean isReady(Pod p) {
    return p != null
        && p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static int restartCount(String ns, String name) {
    Pod p = pod(ns, name);
    if (p == null || p.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return p.getStatus().getContainerStatuses().stream()
        .mapToInt(ContainerStatus::getRestartCount)
        .sum();
  }

  private static String waitingReason(String ns, String name) {
    Pod p = pod(ns, name);
    assertThat(p).isNotNull();
    List<ContainerStatus> statuses = p.getStatus().getContainerStatuses();
    assertThat(statuses).isNotEmpty();
    var waiting = statuses.get(0).getState().getWaiting();
    assertThat(waiting).as("%s is waiting", name).isNotNull();
    return waiting.getReason();
  }

  private static List<String> netnsList() throws IOException {
    Path run = Path.of("/run/netns");
    if (!Files.isDirectory(run)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(run)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static String commandLine(Path proc) {
    try {
      return Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
