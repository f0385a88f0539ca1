package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.e2e.bench.OperatorScaleBenchmark;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One ReplicaSet on the local control plane as the roll tests and the roll benchmark drive it:
 * created with kubectl, its image changed under a continuous {@code w:"majority"} writer, and
 * watched through the API server (pods, Events, status) and the members themselves (dbHash).
 */
final class RolledSet {
  static final Duration ROLL = Duration.ofMinutes(6);
  private static final ResourceDefinitionContext SRS = OperatorScaleBenchmark.REPLICA_SETS;
  private static final ObjectMapper JSON = new ObjectMapper();

  final LocalCluster cluster;
  final String ns;
  final String name;
  private final KubernetesClient kube;
  private final Path work;

  private RolledSet(LocalCluster cluster, String ns, String name, Path work) {
    this.cluster = cluster;
    this.kube = cluster.client();
    this.ns = ns;
    this.name = name;
    this.work = work;
  }

  /**
   * Creates the set (its namespace too, if missing) with {@code electionTimeoutMillis}, and waits
   * until it is settled on {@code image}.
   */
  static RolledSet create(
      LocalCluster cluster, String ns, String name, int members, String image, int electionTimeout)
      throws Exception {
    if (cluster.client().namespaces().withName(ns).get() == null) {
      cluster.kubectl("create", "namespace", ns).assertOk();
    }
    RolledSet set = new RolledSet(cluster, ns, name, Files.createTempDirectory("rolled-" + name));
    cluster
        .apply(
            """
            apiVersion: starling.dev/v1alpha1
            kind: ReplicaSet
            metadata: {name: %s, namespace: %s}
            spec:
              members: %d
              image: %s
              storage: {size: 1Gi}
              oplogSizeMB: 990
              settings: {electionTimeoutMillis: %d, heartbeatIntervalMillis: 1000}
            """
                .formatted(name, ns, members, image, electionTimeout))
        .assertOk();
    set.awaitSettled(members, image);
    return set;
  }

  /** What one roll under writes did. */
  record Roll(
      int members,
      String image,
      double rollSeconds,
      int acknowledged,
      int errors,
      double longestGapSeconds,
      long stepDowns,
      String primaryBefore,
      String lastRestarted,
      int maxDown,
      Map<String, List<String>> uids,
      List<String> downSamples) {}

  /**
   * Changes the image with a w:"majority" writer running, waits until the set is settled on it,
   * then checks that every acknowledged write is present exactly once and that every member has the
   * same dbHash.
   */
  Roll rollUnderWrites(int members, String image) throws Exception {
    String primary = srs().primary();
    long stepDowns = count("StepDown");
    String tag = image.replaceAll("[^a-zA-Z0-9.]", "_");
    Path stop = work.resolve("stop-" + tag);
    Path result = work.resolve("writer-" + tag + ".json");
    Process writer =
        cluster.spawn(
            log(tag),
            cluster.venvPython().toString(),
            script("writer.py"),
            srs().text("connectionString"),
            stop.toString(),
            result.toString(),
            collection(tag));
    double seconds;
    Map<String, List<String>> uids;
    int maxDown;
    List<String> downSamples;
    try (PodSampler pods = new PodSampler()) {
      // The writer is writing before the change.
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> Files.readString(log(tag)).contains("writing"));
      Instant start = Instant.now();
      patchSpec("{\"image\":\"" + image + "\"}");
      awaitSettled(members, image);
      seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      uids = pods.uids();
      maxDown = pods.maxDown();
      downSamples = pods.downs();
    } finally {
      Files.writeString(stop, "stop");
      if (!writer.waitFor(2, TimeUnit.MINUTES)) {
        writer.destroyForcibly();
      }
    }
    cluster
        .exec(
            cluster.venvPython().toString(),
            script("verify-history.py"),
            srs().text("connectionString"),
            result.toString(),
            collection(tag))
        .assertOk();
    String hosts =
        IntStream.range(0, members)
            .mapToObj(i -> name + "-" + i + "." + name + "-hs." + ns + ".svc.cluster.local:27017")
            .collect(Collectors.joining(","));
    cluster
        .exec(cluster.venvPython().toString(), script("same-dbhash.py"), hosts, "e2e")
        .assertOk();
    JsonNode written = JSON.readTree(result.toFile());
    Roll roll =
        new Roll(
            members,
            image,
            seconds,
            written.get("acked").size(),
            written.get("errors").size(),
            written.get("longestGapSeconds").asDouble(),
            count("StepDown") - stepDowns,
            primary,
            lastRestarted(),
            maxDown,
            uids,
            downSamples);
    System.out.printf(
        "roll of %d members to %s: %.1f s, %d acknowledged writes, %d errors, longest gap %.2f s%n",
        members, image, seconds, roll.acknowledged(), roll.errors(), roll.longestGapSeconds());
    return roll;
  }

  /** Each roll writes its own collection, so ids never collide with an earlier roll's. */
  private static String collection(String tag) {
    return "roll_" + tag.replace('.', '_');
  }

  private Path log(String tag) {
    return work.resolve("writer-" + tag + ".log");
  }

  /**
   * Every data pod runs {@code image} and is Ready (its readiness probe may pass seconds after the
   * member serves, and a sample taken before would count it down), and the operator has nothing
   * left to do.
   */
  void awaitSettled(int members, String image) {
    await()
        .atMost(ROLL)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              ReplicaSetView rs = srs();
              assertThat(rs.ready()).as("ready: %s", rs.status()).isTrue();
              assertThat(rs.observedGeneration()).isEqualTo(rs.generation());
              assertThat(rs.members()).hasSize(members);
              List<Pod> pods = dataPods();
              assertThat(pods).hasSize(members);
              assertThat(pods)
                  .allSatisfy(
                      p -> {
                        assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(image);
                        assertThat(ready(p)).as("%s ready", p.getMetadata().getName()).isTrue();
                      });
            });
  }

  ReplicaSetView srs() {
    GenericKubernetesResource r =
        kube.genericKubernetesResources(SRS).inNamespace(ns).withName(name).get();
    return new ReplicaSetView(r);
  }

  void patchSpec(String json) throws Exception {
    cluster
        .kubectl("-n", ns, "patch", "srs/" + name, "--type=merge", "-p", "{\"spec\":" + json + "}")
        .assertOk();
  }

  List<Pod> dataPods() {
    return kube
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/instance", name)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getName().matches(name + "-[0-9]+"))
        .toList();
  }

  Map<String, String> podUids() {
    return dataPods().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }

  private List<Event> events(String reason) {
    return kube.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /** How many Events of this reason the operator recorded on the set. */
  long count(String reason) {
    return events(reason).size();
  }

  /** The member of the newest RestartMember Event ("restart rolled-0 for ImageChanged: ..."). */
  String lastRestarted() {
    return events("RestartMember").stream()
        .max(
            Comparator.comparing((Event e) -> e.getLastTimestamp())
                .thenComparing(e -> e.getMetadata().getName()))
        .map(e -> e.getMessage().split(" ")[1])
        .orElse(null);
  }

  /** SIGKILL of the operator's process; its kubelet restarts it in the same pod. */
  void killOperator() throws Exception {
    Pod operator =
        kube.pods().inNamespace("starling-system").list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith("starling-operator-"))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .findFirst()
            .orElseThrow();
    cluster.run("fault", "kill", "starling-system/" + operator.getMetadata().getName()).assertOk();
  }

  private String script(String file) throws IOException {
    Path path = work.resolve(file);
    if (!Files.exists(path)) {
      try (var in = RolledSet.class.getResourceAsStream("/operator/" + file)) {
        Files.write(path, in.readAllBytes());
      }
    }
    return path.toString();
  }

  static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Samples the data pods every 200 ms: the most members down at one instant (pod missing, not
   * Ready, or terminating) and every UID each pod name had (a restart is a new UID).
   */
  final class PodSampler implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Set<String>> uids = new ConcurrentHashMap<>();
    private final AtomicInteger maxDown = new AtomicInteger();
    private final List<String> downs = new CopyOnWriteArrayList<>();

    PodSampler() {
      int members = dataPods().size();
      timer.scheduleAtFixedRate(
          () -> {
            try {
              sample(members);
            } catch (RuntimeException e) {
              // a failed read is a missing sample, not a failed test
            }
          },
          0,
          200,
          TimeUnit.MILLISECONDS);
    }

    private void sample(int members) {
      List<Pod> pods = dataPods();
      int up = 0;
      for (Pod p : pods) {
        uids.computeIfAbsent(p.getMetadata().getName(), k -> new LinkedHashSet<>())
            .add(p.getMetadata().getUid());
        if (p.getMetadata().getDeletionTimestamp() == null && ready(p)) {
          up++;
        }
      }
      int down = Math.max(members, pods.size()) - up;
      maxDown.accumulateAndGet(down, Math::max);
      if (down > 1) {
        downs.add(
            Instant.now()
                + " "
                + pods.stream()
                    .map(
                        p ->
                            p.getMetadata().getName()
                                + (p.getMetadata().getDeletionTimestamp() != null
                                    ? " terminating"
                                    : ready(p) ? " ready" : " not ready"))
                    .collect(Collectors.joining(", ")));
      }
    }

    int maxDown() {
      return maxDown.get();
    }

    /** The samples in which more than one member was down, for the failure message. */
    List<String> downs() {
      return List.copyOf(downs);
    }

    Map<String, List<String>> uids() {
      Map<String, List<String>> copy = new ConcurrentHashMap<>();
      uids.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
      return copy;
    }

    @Override
    public void close() throws InterruptedException {
      timer.shutdownNow();
      timer.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
