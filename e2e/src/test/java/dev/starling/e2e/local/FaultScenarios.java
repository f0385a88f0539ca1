package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The fault scenarios of docs/FAULTS.md on one three-member ReplicaSet made by the operator on the
 * local control plane: two {@code w:"majority"} writers (the Java driver and the current PyMongo)
 * recording every acknowledged write and every error while a fault hits the primary, then every
 * member compared ({@code dbHash}) and every acknowledged write looked for. Each run starts from,
 * and ends by restoring, a healthy set, and asserts what FAULTS.md says it checks. {@code
 * FaultScenariosIT} runs each scenario once; {@code FaultBenchmark} runs each many times.
 */
final class FaultScenarios {

  private static final String NS = "faults";
  private static final String NAME = "hist";
  private static final String DB = "faults";
  private static final int MEMBERS = 3;
  private static final Duration HEALTHY = Duration.ofMinutes(4);

  /** Acknowledgements each writer must have before the fault and again once the set is healthy. */
  private static final int ACKS = 20;

  /** Generous: a sanity bound on a noisy 2-core machine, not a target (BENCHMARKS.md has those). */
  private static final double MAX_GAP_MILLIS = 120_000;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final LocalCluster cluster;
  private final KubernetesClient kube;
  private final HistoryChecker checker;
  private final Path out;
  private final List<Map<String, Object>> runs = new CopyOnWriteArrayList<>();
  private final Map<String, Fault> scenarios = new LinkedHashMap<>();

  private FaultScenarios(LocalCluster cluster, Path out) {
    this.cluster = cluster;
    this.kube = cluster.client();
    this.out = out;
    this.checker =
        new HistoryChecker(
            cluster,
            hosts(),
            "mongodb://" + String.join(",", hosts()) + "/?replicaSet=" + NAME,
            DB);
    scenarios.put("kill-primary", this::killPrimary);
    scenarios.put("pause-primary-6s", this::pausePrimaryLong);
    scenarios.put("pause-primary-1s", this::pausePrimaryShort);
    scenarios.put("isolate-primary", this::isolatePrimary);
    scenarios.put("delete-primary-pod", this::deletePrimaryPod);
    scenarios.put("drain-two-nodes", this::drainTwoNodes);
  }

  /**
   * Empties {@code out} (where each run leaves its histories and logs, and {@code summary.json}
   * what every run measured), creates the set with kubectl as a user would and waits until it is
   * healthy.
   */
  static FaultScenarios create(LocalCluster cluster, Path out) throws Exception {
    deleteTree(out);
    Files.createDirectories(out);
    cluster.kubectl("create", "namespace", NS).assertOk();
    cluster
        .apply(
            """
            apiVersion: starling.dev/v1alpha1
            kind: ReplicaSet
            metadata: {name: %s, namespace: %s}
            spec:
              members: %d
              storage: {size: 1Gi}
              oplogSizeMB: 990
              settings: {electionTimeoutMillis: 2000, heartbeatIntervalMillis: 1000}
            """
                .formatted(NAME, NS, MEMBERS))
        .assertOk();
    FaultScenarios set = new FaultScenarios(cluster, out);
    set.awaitHealthy();
    return set;
  }

  /** The scenarios' names, in the order of docs/FAULTS.md. */
  List<String> names() {
    return List.copyOf(scenarios.keySet());
  }

  /** What every run that got as far as the checker measured, in order. */
  List<Map<String, Object>> summaries() {
    return List.copyOf(runs);
  }

  // ----- the scenarios -----

  /** kill-primary: SIGKILL of the primary's process; the kubelet restarts the container. */
  private void killPrimary(String primary, Writers writers, Path dir, Map<String, Object> facts)
      throws Exception {
    int before = restarts(primary);
    cluster.run("fault", "kill", NS + "/" + primary).assertOk();
    long t0 = System.nanoTime();
    await().atMost(Duration.ofMinutes(2)).until(() -> restarts(primary) > before);
    facts.put("restartedByKubeletAfterMs", (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * pause-primary-6s: SIGSTOP of the primary for 6 s, three times the election timeout; another
   * member is elected meanwhile.
   */
  private void pausePrimaryLong(
      String primary, Writers writers, Path dir, Map<String, Object> facts) throws Exception {
    List<String> others = otherHosts(primary);
    cluster.run("fault", "pause", NS + "/" + primary).assertOk();
    long t0 = System.nanoTime();
    try {
      AtomicReference<String> elected = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .ignoreExceptions()
          .until(
              () -> {
                elected.set(writablePrimary(checker.members(others, false)));
                return elected.get() != null;
              });
      facts.put("otherPrimaryElectedAfterMs", (System.nanoTime() - t0) / 1_000_000);
      facts.put("electedWhilePaused", elected.get());
      // The deliberate length of the stop: at least 6 s in all.
      long left = 6000 - (System.nanoTime() - t0) / 1_000_000;
      if (left > 0) {
        Thread.sleep(left);
      }
    } finally {
      cluster.run("fault", "resume", NS + "/" + primary).assertOk();
      facts.put("pausedMs", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** pause-primary-1s: SIGSTOP of the primary for 1 s, under the election timeout. */
  private void pausePrimaryShort(
      String primary, Writers writers, Path dir, Map<String, Object> facts) throws Exception {
    cluster.run("fault", "pause", NS + "/" + primary).assertOk();
    long t0 = System.nanoTime();
    try {
      Thread.sleep(1000); // the deliberate length of the stop, under the 2 s election timeout
    } finally {
      cluster.run("fault", "resume", NS + "/" + primary).assertOk();
      facts.put("pausedMs", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * isolate-primary: the primary cut from the others steps down, the majority elects with a higher
   * term and takes writes; healed, the old primary rolls back and returns as a SECONDARY.
   */
  private void isolatePrimary(String primary, Writers writers, Path dir, Map<String, Object> facts)
      throws Exception {
    long termBefore = checker.members(false).get(hostOf(primary)).term();
    cluster.run("fault", "isolate", NS + "/" + primary).assertOk();
    long t0 = System.nanoTime();
    try {
      // The test's own namespace (10.244.0.1) still reaches the isolated pod: so do the writers,
      // which keep sending to it until it steps down.
      AtomicReference<String> elected = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                Map<String, HistoryChecker.Member> view = checker.members(false);
                HistoryChecker.Member old = view.get(hostOf(primary));
                assertThat(old.answered()).isTrue();
                assertThat(old.writablePrimary()).as("old primary %s", old).isFalse();
                elected.set(writablePrimary(view));
                assertThat(elected.get()).isNotNull().isNotEqualTo(hostOf(primary));
                assertThat(view.get(elected.get()).term()).isGreaterThan(termBefore);
              });
      facts.put("steppedDownAndOtherElectedAfterMs", (System.nanoTime() - t0) / 1_000_000);
      facts.put("electedWhileIsolated", elected.get());
      // The majority side takes writes while the old primary is still cut off.
      writers.awaitAcksFrom(elected.get(), ACKS);
      facts.put("isolatedMs", (System.nanoTime() - t0) / 1_000_000);
    } finally {
      cluster.run("fault", "heal").assertOk();
    }
    // Healed, the old primary finds its oplog diverged from the new primary's (when it took
    // writes that never reached a majority), rolls them back and comes back as a SECONDARY
    // applying the new term's entries.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              HistoryChecker.Member old = checker.members(false).get(hostOf(primary));
              return old.state() == 2 && old.applied().get(2) > termBefore;
            });
    String log = cluster.kubectl("-n", NS, "logs", primary).assertOk().out();
    facts.put(
        "oldPrimaryRollbacks",
        log.lines().filter(l -> l.contains("rollback: common point")).count());
  }

  /**
   * delete-primary-pod: {@code kubectl delete pod} of the primary; the replacement pod becomes
   * Ready.
   */
  private void deletePrimaryPod(
      String primary, Writers writers, Path dir, Map<String, Object> facts) throws Exception {
    String uid = pod(primary).getMetadata().getUid();
    long t0 = System.nanoTime();
    cluster.kubectl("-n", NS, "delete", "pod", primary, "--timeout=120s").assertOk();
    facts.put("deleteReturnedAfterMs", (System.nanoTime() - t0) / 1_000_000);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              Pod p = pod(primary);
              return p != null && !uid.equals(p.getMetadata().getUid()) && ready(p);
            });
    facts.put("replacementReadyAfterMs", (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * drain-two-nodes: eviction drains of the primary's node and of another member's node at once;
   * the PodDisruptionBudget lets one member go at a time.
   */
  private void drainTwoNodes(String primary, Writers writers, Path dir, Map<String, Object> facts)
      throws Exception {
    Map<String, String> nodeOf = new LinkedHashMap<>();
    for (Pod p : memberPods()) {
      nodeOf.put(p.getMetadata().getName(), p.getSpec().getNodeName());
    }
    facts.put("nodes", nodeOf);
    // The primary's node and the node of a secondary on another node.
    String first = nodeOf.get(primary);
    String second =
        nodeOf.entrySet().stream()
            .filter(e -> !e.getValue().equals(first))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError("all members on one node: " + nodeOf));
    Map<String, String> podOn =
        nodeOf.entrySet().stream()
            .filter(e -> Set.of(first, second).contains(e.getValue()))
            .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    Map<String, String> uids = new LinkedHashMap<>();
    podOn.values().forEach(p -> uids.put(p, pod(p).getMetadata().getUid()));

    // Unavailable members, sampled two ways: member pods not Ready (what the budget counts),
    // every 250 ms from the API server; and members that, asked directly from inside the
    // cluster (faults/member-sampler.py), are neither PRIMARY nor SECONDARY.
    List<Integer> podSamples = new CopyOnWriteArrayList<>();
    Path memberLog = dir.resolve("member-samples.jsonl");
    Path stopSampler = dir.resolve("stop-sampler");
    Map<String, Process> drains = new LinkedHashMap<>();
    Process memberSampler =
        cluster.spawn(
            memberLog,
            cluster.venvPython().toString(),
            HistoryChecker.script("member-sampler.py"),
            String.join(",", hosts()),
            stopSampler.toString());
    try (Sampler pods =
        new Sampler(
            () -> MEMBERS - (int) memberPods().stream().filter(FaultScenarios::ready).count(),
            Duration.ofMillis(250),
            podSamples)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Files.exists(memberLog)
                      && Files.readAllLines(memberLog).stream()
                          .anyMatch(l -> l.contains("\"serving\": " + MEMBERS)));
      for (String node : List.of(first, second)) {
        drains.put(
            node,
            cluster.start(
                dir.resolve("drain-" + node + ".log"),
                "kubectl",
                "drain",
                node,
                "--ignore-daemonsets",
                "--delete-emptydir-data",
                "--timeout=300s"));
      }
      // One eviction goes through; the PodDisruptionBudget answers the other with 429, and the
      // drain retries it.
      AtomicReference<String> evictedNode = new AtomicReference<>();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                List<String> gone =
                    uids.keySet().stream().filter(p -> !sameReadyPod(p, uids.get(p))).toList();
                assertThat(gone).as("members evicted").hasSize(1);
                String node = nodeOf.get(gone.get(0));
                String other = node.equals(first) ? second : first;
                assertThat(Files.readString(dir.resolve("drain-" + other + ".log")))
                    .contains("disruption budget");
                evictedNode.set(node);
              });
      String blockedNode = evictedNode.get().equals(first) ? second : first;
      String blockedPod = podOn.get(blockedNode);
      facts.put("firstEvicted", podOn.get(evictedNode.get()));
      long blockedFrom = System.nanoTime();
      // Held back while the evicted member cannot return (its volume is on its cordoned node).
      await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  sameReadyPod(blockedPod, uids.get(blockedPod))
                      && drains.get(blockedNode).isAlive());
      Process firstDrain = drains.get(evictedNode.get());
      assertThat(firstDrain.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(firstDrain.exitValue()).isZero();
      cluster.kubectl("uncordon", evictedNode.get()).assertOk();
      // The first member back and Ready, the budget lets the second eviction through.
      Process secondDrain = drains.get(blockedNode);
      assertThat(secondDrain.waitFor(4, TimeUnit.MINUTES)).as("second drain finished").isTrue();
      facts.put("secondEvictionHeldMs", (System.nanoTime() - blockedFrom) / 1_000_000);
      facts.put(
          "evictionsRefusedByBudget",
          Files.readString(dir.resolve("drain-" + blockedNode + ".log"))
              .lines()
              .filter(l -> l.contains("disruption budget"))
              .count());
      assertThat(secondDrain.exitValue()).isZero();
      assertThat(sameReadyPod(blockedPod, uids.get(blockedPod))).isFalse();
      cluster.kubectl("uncordon", blockedNode).assertOk();
      await()
          .atMost(HEALTHY)
          .until(() -> memberPods().stream().filter(FaultScenarios::ready).count() == 3);
    } finally {
      drains.values().forEach(p -> stopProcess(p, Duration.ZERO));
      Files.writeString(stopSampler, "stop");
      stopProcess(memberSampler, Duration.ofSeconds(30));
    }
    List<Integer> memberSamples = new ArrayList<>();
    for (String line : Files.readAllLines(memberLog)) {
      if (line.startsWith("{")) {
        memberSamples.add(MEMBERS - JSON.readTree(line).get("serving").asInt());
      }
    }
    int maxPods = podSamples.stream().mapToInt(Integer::intValue).max().orElse(-1);
    int maxMembers = memberSamples.stream().mapToInt(Integer::intValue).max().orElse(-1);
    facts.put("podSamples", podSamples.size());
    facts.put("maxUnreadyMemberPods", maxPods);
    facts.put("memberSamples", memberSamples.size());
    facts.put("maxMembersNotServing", maxMembers);
    assertThat(podSamples).hasSizeGreaterThan(20);
    assertThat(maxPods).as("member pods not Ready at one sampled instant").isEqualTo(1);
    assertThat(memberSamples).hasSizeGreaterThan(20);
    assertThat(maxMembers)
        .as("members neither PRIMARY nor SECONDARY at one sampled instant")
        .isEqualTo(1);
  }

  // ----- one scenario -----

  /**
   * What a scenario does to the set, given the primary's pod name and the run's directory (for
   * whatever it wants to leave there); facts go into the summary.
   */
  @FunctionalInterface
  private interface Fault {
    void inject(String primaryPod, Writers writers, Path dir, Map<String, Object> facts)
        throws Exception;
  }

  /** One run as the checker saw it: its summary, and each writer's report by writer. */
  record Run(Map<String, Object> summary, Map<String, WriteHistory.Report> writers) {}

  /** Runs {@code scenario} once; its output goes to a directory of that name. */
  Run run(String scenario) throws Exception {
    return run(scenario, scenario);
  }

  /**
   * Runs {@code scenario} once: from a healthy set, both writers running, the fault, then (whatever
   * happened) the faults undone and the set healthy again, the writers stopped after each has been
   * acknowledged again, and the history checked. {@code label} names the run's directory and the
   * writers' collections, which must be new: a writer's _ids start at 1.
   */
  Run run(String scenario, String label) throws Exception {
    Fault fault = scenarios.get(scenario);
    if (fault == null) {
      throw new IllegalArgumentException("no scenario " + scenario + "; there are " + names());
    }
    restore();
    String primary = awaitHealthy();
    Path dir = out.resolve(label);
    Files.createDirectories(dir);
    Map<String, Object> facts = new LinkedHashMap<>();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("scenario", scenario);
    if (!label.equals(scenario)) {
      summary.put("run", label);
    }
    summary.put("primaryBefore", primary);
    summary.put("facts", facts);
    double faultAt;
    double healthyAt;
    double end;
    Map<String, WriteHistory> histories = new LinkedHashMap<>();
    try (Writers writers = new Writers(label, dir)) {
      writers.awaitAcks(ACKS, 0);
      faultAt = now();
      try {
        fault.inject(primary, writers, dir, facts);
      } finally {
        restore();
      }
      String after = awaitHealthy();
      healthyAt = now();
      summary.put("primaryAfter", after);
      summary.put("healthyAfterFaultMs", Math.round(healthyAt - faultAt));
      writers.awaitAcks(ACKS, healthyAt);
      end = now();
      writers.stop();
      histories.put(writers.javaCollection, WriteHistory.read("java", writers.javaHistory));
      histories.put(writers.pythonCollection, WriteHistory.read("python", writers.pythonHistory));
    }
    HistoryChecker.Result result = checker.check(histories, faultAt, end);
    summary.put("membersConvergedInMs", result.convergedMillis());
    Map<String, String> hashes = new LinkedHashMap<>();
    result.members().forEach((h, m) -> hashes.put(m.pod(), m.dbHash()));
    summary.put("dbHash", hashes);
    Map<String, Object> writerSummaries = new LinkedHashMap<>();
    Map<String, WriteHistory.Report> reports = new LinkedHashMap<>();
    for (var e : result.writers().entrySet()) {
      WriteHistory.Report r = e.getValue();
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("collection", e.getKey());
      w.put("attempts", r.attempts());
      w.put("acked", r.acked());
      w.put("lost", r.lost().size());
      w.put("duplicated", r.duplicated().size());
      w.put("errors", r.failed());
      w.put("failedButPresent", r.failedButPresent());
      w.put("rolledBackUnacknowledged", result.rolledBack().get(e.getKey()).size());
      w.put("longestGapMs", Math.round(r.longestGapMillis()));
      w.put("longestGapStartedAfterFaultMs", Math.round(r.gapStart() - faultAt));
      w.put("errorsByKind", r.errors());
      writerSummaries.put(r.writer(), w);
      reports.put(r.writer(), r);
    }
    summary.put("writers", writerSummaries);
    runs.add(summary);
    writeSummary();
    System.out.println(JSON.writeValueAsString(summary));

    assertThat(new java.util.HashSet<>(hashes.values()))
        .as("dbHash of %s on every member: %s", DB, hashes)
        .hasSize(1);
    for (WriteHistory.Report r : result.writers().values()) {
      assertThat(r.lost()).as("%s: acknowledged writes lost", r.writer()).isEmpty();
      assertThat(r.duplicated()).as("%s: _ids held twice", r.writer()).isEmpty();
      assertThat(r.unknownPresent()).as("%s: documents never written", r.writer()).isEmpty();
      assertThat(r.acked()).as("%s: acknowledged writes", r.writer()).isGreaterThan(2 * ACKS);
      assertThat(r.longestGapMillis()).as("%s: longest gap", r.writer()).isLessThan(MAX_GAP_MILLIS);
    }
    // What was rolled back had never been acknowledged with w:"majority".
    for (var e : result.rolledBack().entrySet()) {
      Set<Long> acked =
          histories.get(e.getKey()).attempts().stream()
              .filter(WriteHistory.Attempt::ok)
              .map(WriteHistory.Attempt::id)
              .collect(Collectors.toSet());
      assertThat(e.getValue()).as("rolled back from %s", e.getKey()).noneMatch(acked::contains);
    }
    return new Run(summary, reports);
  }

  /** The two writers of one scenario, each with its own collection, history and log. */
  private final class Writers implements AutoCloseable {
    final String javaCollection;
    final String pythonCollection;
    final Path javaHistory;
    final Path pythonHistory;
    private final Path stopFile;
    private final List<Process> processes = new ArrayList<>();

    Writers(String label, Path dir) throws IOException {
      String base = label.replace('-', '_');
      javaCollection = base + "_java";
      pythonCollection = base + "_python";
      javaHistory = dir.resolve("java-history.jsonl");
      pythonHistory = dir.resolve("python-history.jsonl");
      stopFile = dir.resolve("stop");
      Files.deleteIfExists(stopFile);
      String uri = "mongodb://" + String.join(",", hosts()) + "/?replicaSet=" + NAME;
      Path checkout = LocalCluster.checkout();
      String classpath =
          checkout.resolve("e2e/target/classes")
              + ":"
              + Files.readString(checkout.resolve("e2e/target/classpath.txt")).strip();
      processes.add(
          cluster.spawn(
              dir.resolve("java-writer.log"),
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Xmx128m",
              "-cp",
              classpath,
              "dev.starling.e2e.faults.HistoryWriter",
              uri,
              DB,
              javaCollection,
              stopFile.toString(),
              javaHistory.toString(),
              "600"));
      try {
        processes.add(
            cluster.spawn(
                dir.resolve("python-writer.log"),
                cluster.venvPython().toString(),
                HistoryChecker.script("history-writer.py"),
                uri,
                DB,
                pythonCollection,
                stopFile.toString(),
                pythonHistory.toString(),
                "600"));
      } catch (IOException | RuntimeException e) {
        close(); // the Java writer is already running
        throw e;
      }
    }

    /**
     * Waits until each writer has {@code count} acknowledgements that ended after {@code after}.
     */
    void awaitAcks(int count, double after) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                for (Process p : processes) {
                  assertThat(p.isAlive()).as("writer running").isTrue();
                }
                assertThat(WriteHistory.read("java", javaHistory).ackedAfter(after))
                    .isGreaterThanOrEqualTo(count);
                assertThat(WriteHistory.read("python", pythonHistory).ackedAfter(after))
                    .isGreaterThanOrEqualTo(count);
              });
    }

    /** Waits until each writer has {@code count} acknowledgements from {@code host} from now on. */
    void awaitAcksFrom(String host, int count) {
      double from = now();
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(WriteHistory.read("java", javaHistory).ackedAfter(from, host))
                    .isGreaterThanOrEqualTo(count);
                assertThat(WriteHistory.read("python", pythonHistory).ackedAfter(from, host))
                    .isGreaterThanOrEqualTo(count);
              });
    }

    /** Asks both writers to stop and waits for them (each ends within its 5 s timeouts). */
    void stop() throws IOException, InterruptedException {
      Files.writeString(stopFile, "stop");
      for (Process p : processes) {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("writer stopped").isTrue();
        assertThat(p.exitValue()).as("writer exit code").isZero();
      }
    }

    @Override
    public void close() throws IOException {
      Files.writeString(stopFile, "stop");
      processes.forEach(p -> stopProcess(p, Duration.ofSeconds(60)));
    }
  }

  // ----- the set's health -----

  /**
   * Undoes whatever a scenario may have left (network rules, a stopped process, cordoned nodes);
   * each step is harmless when there is nothing to undo.
   */
  private void restore() throws IOException, InterruptedException {
    cluster.run("fault", "heal");
    for (int i = 0; i < MEMBERS; i++) {
      cluster.run("fault", "resume", NS + "/" + NAME + "-" + i);
    }
    List<String> cordoned =
        kube.nodes().list().getItems().stream()
            .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
            .map(n -> n.getMetadata().getName())
            .toList();
    if (!cordoned.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("uncordon"));
      args.addAll(cordoned);
      cluster.kubectl(args.toArray(String[]::new));
    }
  }

  /**
   * Waits until every member pod is Ready and every member, asked directly, is PRIMARY or SECONDARY
   * and names the same primary; returns the primary's pod name.
   */
  private String awaitHealthy() {
    AtomicReference<String> primary = new AtomicReference<>();
    await()
        .atMost(HEALTHY)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<Pod> pods = memberPods();
              assertThat(pods).hasSize(MEMBERS).allMatch(FaultScenarios::ready);
              Map<String, HistoryChecker.Member> view = checker.members(false);
              assertThat(view.values())
                  .as("members: %s", view)
                  .allMatch(HistoryChecker.Member::serving);
              String p = writablePrimary(view);
              assertThat(p).as("primary: %s", view).isNotNull();
              assertThat(view.values()).allMatch(m -> p.equals(m.primary()));
              primary.set(p.substring(0, p.indexOf('.')));
            });
    return primary.get();
  }

  private static String writablePrimary(Map<String, HistoryChecker.Member> view) {
    List<String> primaries =
        view.values().stream()
            .filter(HistoryChecker.Member::writablePrimary)
            .map(HistoryChecker.Member::host)
            .toList();
    return primaries.size() == 1 ? primaries.get(0) : null;
  }

  private List<Pod> memberPods() {
    return kube
        .pods()
        .inNamespace(NS)
        .withLabel("starling.dev/replica-set", NAME)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getName().matches(NAME + "-\\d+"))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private Pod pod(String name) {
    return kube.pods().inNamespace(NS).withName(name).get();
  }

  private static boolean ready(Pod p) {
    return p.getMetadata().getDeletionTimestamp() == null
        && p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The pod {@code name} is still the one with {@code uid}, and Ready. */
  private boolean sameReadyPod(String name, String uid) {
    Pod p = pod(name);
    return p != null && uid.equals(p.getMetadata().getUid()) && ready(p);
  }

  private int restarts(String podName) {
    Pod p = pod(podName);
    if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return -1;
    }
    return p.getStatus().getContainerStatuses().stream()
        .mapToInt(s -> Objects.requireNonNullElse(s.getRestartCount(), 0))
        .sum();
  }

  /** Takes a sample every {@code delay} after the last one ended, until closed. */
  private static final class Sampler implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    Sampler(Callable<Integer> sample, Duration delay, List<Integer> samples) {
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              samples.add(sample.call());
            } catch (Exception e) {
              // a failed read is a missing sample, not a failed test
            }
          },
          0,
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    /** Lets a sample in progress end (it may be a process), then stops. */
    @Override
    public void close() throws InterruptedException {
      timer.shutdown();
      if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    }
  }

  // ----- helpers -----

  private static String host(int ordinal) {
    return NAME + "-" + ordinal + "." + NAME + "-hs." + NS + ".svc.cluster.local:27017";
  }

  private static List<String> hosts() {
    return IntStream.range(0, MEMBERS).mapToObj(FaultScenarios::host).toList();
  }

  private static String hostOf(String pod) {
    return host(Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1)));
  }

  private static List<String> otherHosts(String pod) {
    return hosts().stream().filter(h -> !h.equals(hostOf(pod))).toList();
  }

  /** Epoch milliseconds, as the writers record them. */
  private static double now() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1000.0 + t.getNano() / 1e6;
  }

  /**
   * Stops a process started through {@code starling-local} (a JVM whose child is the real command):
   * waits up to {@code grace}, then ends the child and the launcher.
   */
  private static void stopProcess(Process p, Duration grace) {
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeSummary() throws IOException {
    Files.writeString(out.resolve("summary.json"), JSON.writeValueAsString(runs));
  }

  /** One line per scenario and writer: what the summary says, for the build log. */
  @SuppressWarnings("unchecked")
  String table() {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n%-20s %-7s %7s %5s %5s %7s %12s%n",
                "scenario",
                "writer",
                "acked",
                "lost",
                "dups",
                "errors",
                "longest gap"));
    for (Map<String, Object> sc : runs) {
      Map<String, Map<String, Object>> writers =
          (Map<String, Map<String, Object>>) sc.get("writers");
      if (writers == null) {
        continue;
      }
      writers.forEach(
          (writer, w) ->
              s.append(
                  String.format(
                      Locale.ROOT,
                      "%-20s %-7s %7d %5d %5d %7d %10.2f s%n",
                      sc.get("scenario"),
                      writer,
                      w.get("acked"),
                      w.get("lost"),
                      w.get("duplicated"),
                      w.get("errors"),
                      ((Number) w.get("longestGapMs")).doubleValue() / 1000)));
    }
    return s.toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
