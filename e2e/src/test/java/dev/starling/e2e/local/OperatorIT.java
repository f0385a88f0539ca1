package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.e2e.bench.OperatorScaleBenchmark;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator, end to end, on the local control plane: installed from manifests/ as a Pod with its
 * least-privilege RBAC, driving real starling-node pods, checked through the API server and with
 * real drivers (PyMongo 3.11 from Debian and the current PyMongo from PyPI) inside the cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorIT {

  private static final String NS = "op-e2e";
  private static final String NAME = "orders";
  private static final Duration CHANGE = Duration.ofMinutes(4);
  private static final ResourceDefinitionContext SRS = OperatorScaleBenchmark.REPLICA_SETS;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalCluster cluster;
  private static KubernetesClient kube;
  private static Path work;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.up(3);
    kube = cluster.client();
    work = Files.createTempDirectory("operator-it");
    cluster.kubectl("create", "namespace", NS).assertOk();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              var d =
                  kube.apps()
                      .deployments()
                      .inNamespace("starling-system")
                      .withName("starling-operator")
                      .get();
              return d != null
                  && d.getStatus() != null
                  && d.getStatus().getReadyReplicas() != null
                  && d.getStatus().getReadyReplicas() == 1;
            });
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void anInvalidSpecIsRefusedAtTheDoorWithTheRulesMessage() throws Exception {
    LocalCluster.Result refused =
        cluster.apply(
            resource(
                "bad",
                """
                  members: 3
                  memberConfig:
                    - {member: 1, priority: 1, hidden: true}
                """));
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("a member with priority > 0 must have votes: 1, hidden:");
    assertThat(srs("bad")).isNull();
  }

  @Test
  @Order(2)
  void theExampleBecomesReadyAndDriversUseItByDnsAndSrv() throws Exception {
    cluster.apply(resource(NAME, "  members: 3\n")).assertOk();
    ReplicaSetView rs = awaitReady(3);
    assertThat(rs.primary()).startsWith(NAME + "-");
    assertThat(rs.members())
        .extracting(m -> m.get("state"))
        .containsExactlyInAnyOrder("PRIMARY", "SECONDARY", "SECONDARY");
    assertThat(rs.text("connectionString"))
        .isEqualTo(
            "mongodb://"
                + IntStream.range(0, 3).mapToObj(OperatorIT::host).collect(Collectors.joining(","))
                + "/?replicaSet="
                + NAME);
    String srv = rs.text("srvConnectionString");
    assertThat(srv).startsWith("mongodb+srv://" + NAME + "-hs." + NS + ".svc.cluster.local/");
    for (String python : List.of("/usr/bin/python3", cluster.venvPython().toString())) {
      LocalCluster.Result r =
          cluster.exec(python, script("clients.py"), rs.text("connectionString"), srv);
      r.assertOk();
      assertThat(r.out()).contains("ok: ").hasLineCount(2);
    }
  }

  @Test
  @Order(3)
  void applyingTheSameResourceAgainCausesNoActionAndNoStatusWrite() throws Exception {
    ReplicaSetView before = awaitReady(3);
    long reconciles = reconciles();
    LocalCluster.Result again = cluster.apply(resource(NAME, "  members: 3\n"));
    again.assertOk();
    assertThat(again.out()).contains("unchanged");
    // At least one periodic reconcile passes (every 30 s when in sync) and writes nothing.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> reconciles() > reconciles + 1);
    ReplicaSetView after = srs(NAME);
    assertThat(after.resourceVersion()).isEqualTo(before.resourceVersion());
    assertThat(after.status().get("lastAction")).isEqualTo(before.status().get("lastAction"));
  }

  @Test
  @Order(4)
  void scalingTo5AndBackUnderWritesLosesNothingAndChangesOneVoterAtATime() throws Exception {
    Path stop = work.resolve("stop-scale");
    Path result = work.resolve("writer.json");
    Path configs = work.resolve("configs.jsonl");
    Process monitor =
        cluster.spawn(
            configs,
            "/usr/bin/python3",
            script("config-monitor.py"),
            IntStream.range(0, 5).mapToObj(OperatorIT::host).collect(Collectors.joining(",")),
            stop.toString());
    Process writer =
        cluster.spawn(
            work.resolve("writer.log"),
            cluster.venvPython().toString(),
            script("writer.py"),
            srs(NAME).text("connectionString"),
            stop.toString(),
            result.toString());
    List<long[]> statefulSetSizes = new CopyOnWriteArrayList<>();
    List<ReplicaSetView> samples = new CopyOnWriteArrayList<>();
    try (Watch watch = watchStatefulSetSize(statefulSetSizes);
        Sampler sampler = new Sampler(samples)) {
      cluster.kubectl("-n", NS, "scale", "srs/" + NAME, "--replicas=5").assertOk();
      awaitReady(5);
      cluster.kubectl("-n", NS, "scale", "srs/" + NAME, "--replicas=3").assertOk();
      awaitReady(3);
    } finally {
      Files.writeString(stop, "stop");
      writer.waitFor();
      monitor.waitFor();
    }
    cluster
        .exec(
            cluster.venvPython().toString(),
            script("verify-history.py"),
            srs(NAME).text("connectionString"),
            result.toString())
        .assertOk();
    JsonNode written = JSON.readTree(result.toFile());
    assertThat(written.get("acked").size()).isGreaterThan(10);

    // Every config changed at most one voter from the one before it.
    List<JsonNode> history = readLines(configs);
    assertThat(history).hasSizeGreaterThanOrEqualTo(4);
    for (int i = 1; i < history.size(); i++) {
      Set<String> a = strings(history.get(i - 1).get("voters"));
      Set<String> b = strings(history.get(i).get("voters"));
      Set<String> changed = new HashSet<>(a);
      changed.addAll(b);
      Set<String> both = new HashSet<>(a);
      both.retainAll(b);
      changed.removeAll(both);
      assertThat(changed)
          .as(
              "voters from version %s to %s",
              history.get(i - 1).get("version"), history.get(i).get("version"))
          .hasSizeLessThanOrEqualTo(1);
    }
    // The StatefulSet shrank only after a majority held a config without its removed members.
    long shrunkAt =
        statefulSetSizes.stream()
            .filter(s -> s[1] == 3)
            .mapToLong(s -> s[0])
            .reduce((x, y) -> y)
            .orElseThrow();
    double committedWithout =
        history.stream()
            .filter(c -> !strings(c.get("members")).contains(host(3)))
            .filter(c -> !strings(c.get("members")).contains(host(4)))
            .filter(c -> c.get("version").asInt() > history.get(0).get("version").asInt())
            .mapToDouble(c -> c.get("committed").asDouble())
            .min()
            .orElseThrow();
    assertThat(committedWithout * 1000).isLessThan(shrunkAt);
    // observedGeneration lags the generation exactly while the change is in progress.
    assertThat(samples).anyMatch(s -> s.observedGeneration() < s.generation());
    for (ReplicaSetView s : samples) {
      if (s.observedGeneration() == s.generation()) {
        assertThat(s.members()).hasSize(s.specMembers());
      }
    }
  }

  @Test
  @Order(5)
  void anOperatorPodDeletedMidScaleUpFinishesItWithoutRepeatingTheReconfig() throws Exception {
    Path stop = work.resolve("stop-restart");
    Path configs = work.resolve("configs-restart.jsonl");
    Process monitor =
        cluster.spawn(
            configs,
            "/usr/bin/python3",
            script("config-monitor.py"),
            IntStream.range(0, 4).mapToObj(OperatorIT::host).collect(Collectors.joining(",")),
            stop.toString());
    try {
      cluster.kubectl("-n", NS, "scale", "srs/" + NAME, "--replicas=4").assertOk();
      await().atMost(CHANGE).until(() -> statefulSetReplicas() == 4);
      Pod operator = operatorPod();
      cluster
          .kubectl("-n", "starling-system", "delete", "pod", operator.getMetadata().getName())
          .assertOk();
      awaitReady(4);
    } finally {
      Files.writeString(stop, "stop");
      monitor.waitFor();
    }
    // The new member entered the config once: no config re-added it after the restart.
    List<JsonNode> history = readLines(configs);
    int additions = 0;
    boolean present = false;
    for (JsonNode c : history) {
      boolean now = strings(c.get("members")).contains(host(3));
      if (now && !present) {
        additions++;
      }
      present = now;
    }
    try {
      assertThat(additions).as("configs adding %s: %s", host(3), history).isEqualTo(1);
    } finally {
      // Back to three members even when the assertion fails, so the tests after this one start from
      // their state.
      cluster.kubectl("-n", NS, "scale", "srs/" + NAME, "--replicas=3").assertOk();
      awaitReady(3);
    }
  }

  @Test
  @Order(6)
  void aMemberMadeHiddenAndDelayedThenBackIsSeenByHelloAndTheStatus() throws Exception {
    patchSpec(
        "{\"memberConfig\":[{\"member\":2,\"priority\":0,\"votes\":1,\"hidden\":true,\"secondaryDelaySecs\":5}]}");
    await()
        .atMost(CHANGE)
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs(NAME);
              assertThat(rs.ready()).isTrue();
              Map<String, Object> m2 = rs.member(NAME + "-2").orElseThrow();
              assertThat(m2.get("hidden")).isEqualTo(true);
              assertThat(((Number) m2.get("secondaryDelaySecs")).intValue()).isEqualTo(5);
              JsonNode view = memberView();
              assertThat(view.get(host(2)).get("hidden").asBoolean()).isTrue();
              assertThat(strings(view.get(host(0)).get("hosts"))).doesNotContain(host(2));
            });
    patchSpec("{\"memberConfig\":null}");
    await()
        .atMost(CHANGE)
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs(NAME);
              assertThat(rs.ready()).isTrue();
              assertThat(rs.member(NAME + "-2").orElseThrow().get("hidden")).isEqualTo(false);
              JsonNode view = memberView();
              assertThat(view.get(host(2)).get("hidden").asBoolean()).isFalse();
              assertThat(strings(view.get(host(0)).get("hosts"))).contains(host(2));
            });
  }

  @Test
  @Order(7)
  void anOplogResizeReachesEveryMember() throws Exception {
    patchSpec("{\"oplogSizeMB\":1100}");
    await()
        .atMost(CHANGE)
        .untilAsserted(
            () -> {
              JsonNode view = memberView();
              for (int i = 0; i < 3; i++) {
                assertThat(view.get(host(i)).get("oplogMaxSizeMB").asInt()).isEqualTo(1100);
              }
              ReplicaSetView rs = srs(NAME);
              assertThat(rs.ready()).isTrue();
              assertThat(rs.members())
                  .allMatch(m -> ((Number) m.get("oplogSizeMB")).intValue() == 1100);
            });
  }

  @Test
  @Order(8)
  void preferredPrimaryAndTheStepDownAnnotationMoveThePrimaryAsAsked() throws Exception {
    long stepDownsBefore = stepDowns();
    String before = srs(NAME).primary();
    int wanted = (Integer.parseInt(before.substring(before.lastIndexOf('-') + 1)) + 1) % 3;
    patchSpec("{\"preferredPrimary\":" + wanted + "}");
    await()
        .atMost(CHANGE)
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs(NAME);
              assertThat(rs.primary()).isEqualTo(NAME + "-" + wanted);
              assertThat(rs.ready()).isTrue();
              assertThat(rs.members())
                  .allMatch(m -> ((Number) m.get("priority")).doubleValue() == 1.0);
            });
    // Raising the preferred member's priority may let the node's own priority takeover move the
    // primary before the operator steps it down: at most one step-down, never forced.
    long afterPreferred = stepDowns();
    assertThat(afterPreferred - stepDownsBefore).isBetween(0L, 1L);
    patchSpec("{\"preferredPrimary\":null}");
    awaitReady(3);

    String from = srs(NAME).primary();
    cluster.kubectl("-n", NS, "annotate", "srs/" + NAME, "starling.dev/step-down=first").assertOk();
    await()
        .atMost(CHANGE)
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs(NAME);
              assertThat(rs.text("stepDownHandled")).isEqualTo("first");
              assertThat(rs.primary()).isNotEqualTo(from).startsWith(NAME + "-");
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> stepDowns() == afterPreferred + 1);
  }

  @Test
  @Order(9)
  void aSpecOnlyTheReconcilerCanJudgeStallsAndFixingItRecovers() throws Exception {
    patchSpec("{\"writeConcernModes\":{\"twoDCs\":{\"dc\":2}}}");
    await()
        .atMost(CHANGE)
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs(NAME);
              assertThat(rs.conditionTrue("Stalled")).isTrue();
              assertThat(rs.conditionReason("Stalled")).isEqualTo("InvalidSpec");
              assertThat(events())
                  .anyMatch(e -> "Warning".equals(e.getType()) && e.getMessage().contains("dc"));
            });
    patchSpec("{\"writeConcernModes\":null}");
    awaitReady(3);
    assertThat(srs(NAME).conditionTrue("Stalled")).isFalse();
  }

  // ----- helpers -----

  private static String host(int ordinal) {
    return NAME + "-" + ordinal + "." + NAME + "-hs." + NS + ".svc.cluster.local:27017";
  }

  private static String resource(String name, String specBody) {
    return """
    apiVersion: starling.dev/v1alpha1
    kind: ReplicaSet
    metadata: {name: %s, namespace: %s}
    spec:
      storage: {size: 1Gi}
      oplogSizeMB: 990
      settings: {electionTimeoutMillis: 2000, heartbeatIntervalMillis: 1000}
    %s\
    """
        .formatted(name, NS, specBody);
  }

  private static ReplicaSetView srs(String name) {
    GenericKubernetesResource r =
        kube.genericKubernetesResources(SRS).inNamespace(NS).withName(name).get();
    return r == null ? null : new ReplicaSetView(r);
  }

  private static ReplicaSetView awaitReady(int members) {
    await()
        .atMost(CHANGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs(NAME);
              assertThat(rs).isNotNull();
              assertThat(rs.ready()).as("ready: %s", rs.status()).isTrue();
              assertThat(rs.members()).hasSize(members);
              assertThat(rs.members())
                  .allMatch(m -> List.of("PRIMARY", "SECONDARY").contains(m.get("state")));
              assertThat(statefulSetReplicas()).isEqualTo(members);
            });
    return srs(NAME);
  }

  private static void patchSpec(String json) throws Exception {
    cluster
        .kubectl("-n", NS, "patch", "srs/" + NAME, "--type=merge", "-p", "{\"spec\":" + json + "}")
        .assertOk();
  }

  private static int statefulSetReplicas() {
    StatefulSet s = kube.apps().statefulSets().inNamespace(NS).withName(NAME).get();
    return s == null ? -1 : s.getSpec().getReplicas();
  }

  private static List<Event> events() {
    return kube.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static long stepDowns() {
    return events().stream()
        .filter(e -> "StepDown".equals(e.getReason()))
        .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  private static Pod operatorPod() {
    return kube.pods().inNamespace("starling-system").list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith("starling-operator-"))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus().getPodIP() != null)
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode memberView() throws Exception {
    String hosts =
        IntStream.range(0, 3).mapToObj(OperatorIT::host).collect(Collectors.joining(","));
    return JSON.readTree(
        cluster.exec("/usr/bin/python3", script("member-view.py"), hosts).assertOk().out());
  }

  /** The operator's reconcile counter, read from its metrics endpoint inside the cluster. */
  private static long reconciles() throws Exception {
    Pod operator = operatorPod();
    String metrics =
        cluster
            .exec(
                "/usr/bin/python3",
                "-c",
                "import urllib.request;print(urllib.request.urlopen('http://"
                    + operator.getStatus().getPodIP()
                    + ":8080/q/metrics').read().decode())")
            .assertOk()
            .out();
    return metrics
        .lines()
        .filter(l -> l.startsWith("starling_operator_reconciles_total"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String script(String name) throws IOException {
    Path file = work.resolve(name);
    if (!Files.exists(file)) {
      try (var in = OperatorIT.class.getResourceAsStream("/operator/" + name)) {
        Files.write(file, in.readAllBytes());
      }
    }
    return file.toString();
  }

  private static List<JsonNode> readLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{")) {
        out.add(JSON.readTree(line));
      }
    }
    out.sort((a, b) -> Integer.compare(a.get("version").asInt(), b.get("version").asInt()));
    return out;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new HashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Watch watchStatefulSetSize(List<long[]> sizes) {
    return kube.apps()
        .statefulSets()
        .inNamespace(NS)
        .withName(NAME)
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, StatefulSet s) {
                sizes.add(new long[] {System.currentTimeMillis(), s.getSpec().getReplicas()});
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  /** Samples the ReplicaSet every 200 ms while open. */
  private static final class Sampler implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    Sampler(List<ReplicaSetView> samples) {
      timer.scheduleAtFixedRate(
          () -> {
            try {
              samples.add(srs(NAME));
            } catch (RuntimeException e) {
              // a failed read is a missing sample, not a failed test
            }
          },
          0,
          200,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      timer.shutdownNow();
      timer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
