package dev.starling.e2e.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The operator at scale, with the node client faked: N ReplicaSets (default 100, 3 members each)
 * applied at once, the time until every one is Ready as kstatus reads it, the operator's reconciles
 * per second and its heap. Needs a running local control plane without nodes (no pod ever runs; the
 * operator's {@code FakeNodeAdmin} answers for every member):
 *
 * <pre>
 * e2e/starling-local up --detach --no-example --nodes 0
 * "$JAVA_HOME"/bin/java -cp "$(cat e2e/target/classpath.txt)":e2e/target/classes \
 *     dev.starling.e2e.bench.OperatorScaleBenchmark --replica-sets 100
 * e2e/starling-local down
 * </pre>
 *
 * It scales the operator Deployment in starling-system to 0, runs the operator's fast-jar itself
 * ({@code -Dstarling.node-client=fake}, no leader election, KUBECONFIG the admin kubeconfig),
 * creates namespace {@code bench} and the ReplicaSets as fast as the API server takes them, watches
 * them, and reads the operator's {@code /q/metrics}. At the end, whatever happened, it deletes the
 * namespace, stops the operator and gives the Deployment back its replicas.
 */
public final class OperatorScaleBenchmark {
  static final String USAGE =
      """
      Usage: OperatorScaleBenchmark [options]
        --replica-sets N     ReplicaSets to apply (1-1000, default 100)
        --members N          members of each (1-7, default 3)
        --timeout N          seconds to wait for all to be Ready (10-3600, default 600)
        --settle N           seconds to keep measuring once all are Ready (0-600, default 30)
        --heap SIZE          the operator's -Xmx (default 512m)
        --operator-jar PATH  the operator's fast-jar (default operator/target/quarkus-app/quarkus-run.jar)
        --kubeconfig PATH    the admin kubeconfig (default: what `e2e/starling-local kubeconfig` prints)
        --port N             the operator's HTTP port on 127.0.0.1, for /q/metrics (1024-65535, default 8080)
        --namespace NAME     the namespace the ReplicaSets go to, created and deleted (default bench)
        --help               this text
      """;

  /**
   * The ReplicaSet resource, for a generic client (the e2e module does not use the API classes).
   */
  public static final ResourceDefinitionContext REPLICA_SETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("starling.dev")
          .withVersion("v1alpha1")
          .withKind("ReplicaSet")
          .withPlural("replicasets")
          .withNamespaced(true)
          .build();

  static final String OPERATOR_NAMESPACE = "starling-system";
  static final String OPERATOR_DEPLOYMENT = "starling-operator";

  /** The command line. */
  static final class Options {
    int replicaSets = 100;
    int members = 3;
    int timeoutSeconds = 600;
    int settleSeconds = 30;
    String heap = "512m";
    Path operatorJar;
    Path kubeconfig;
    int port = 8080;
    String namespace = "bench";
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      CommandLineArgs.parse(
          args,
          (arg, value) -> {
            switch (arg) {
              case "--help", "-h" -> o.help = true;
              case "--replica-sets" ->
                  o.replicaSets = CommandLineArgs.number(arg, value.get(), 1, 1000);
              case "--members" -> o.members = CommandLineArgs.number(arg, value.get(), 1, 7);
              case "--timeout" ->
                  o.timeoutSeconds = CommandLineArgs.number(arg, value.get(), 10, 3600);
              case "--settle" -> o.settleSeconds = CommandLineArgs.number(arg, value.get(), 0, 600);
              case "--heap" -> {
                o.heap = value.get();
                if (!o.heap.matches("[0-9]+[kKmMgG]?")) {
                  throw new IllegalArgumentException(
                      "--heap needs a size such as 512m, not '" + o.heap + "'");
                }
              }
              case "--operator-jar" -> o.operatorJar = Path.of(value.get());
              case "--kubeconfig" -> o.kubeconfig = Path.of(value.get());
              case "--port" -> o.port = CommandLineArgs.number(arg, value.get(), 1024, 65535);
              case "--namespace" -> {
                o.namespace = value.get();
                if (!o.namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
                    || o.namespace.startsWith("kube-")
                    || o.namespace.equals("default")
                    || o.namespace.equals(OPERATOR_NAMESPACE)) {
                  throw new IllegalArgumentException(
                      "--namespace must be a new namespace of the benchmark's own, not '"
                          + o.namespace
                          + "'");
                }
              }
              default -> {
                return false;
              }
            }
            return true;
          });
      Path root = BenchOptions.repoRoot();
      if (o.operatorJar == null) {
        o.operatorJar = root.resolve("operator/target/quarkus-app/quarkus-run.jar");
      }
      return o;
    }
  }

  private final Options options;
  private final Path root = BenchOptions.repoRoot();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private OperatorScaleBenchmark(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("OperatorScaleBenchmark: " + e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    if (options.help) {
      System.out.print(USAGE);
      return 0;
    }
    String machine = ReplBenchArgs.machine();
    try {
      OperatorScaleReport.Run result = new OperatorScaleBenchmark(options).measure();
      List<String> header = new ArrayList<>();
      header.add("### The operator at scale, node client faked");
      header.add("");
      header.add(
          "- Command: `" + ReplBenchArgs.commandLine(OperatorScaleBenchmark.class, args) + "`");
      header.add("- Machine: " + machine);
      header.add(
          "- Cluster: the local control plane without nodes (`e2e/starling-local up --detach"
              + " --no-example --nodes 0`): pods stay Pending; the operator runs as a process on"
              + " the host with `-Xmx"
              + options.heap
              + " -Dstarling.node-client=fake` (members simulated in memory, no leader election)");
      header.add(
          "- Ready: kstatus's reading (observedGeneration == generation, Ready True, Reconciling"
              + " not True), seen through a watch; times from the first create call");
      System.out.println();
      System.out.print(OperatorScaleReport.render(header, result));
      return result.timedOut() ? 1 : 0;
    } catch (Failure e) {
      System.err.println("OperatorScaleBenchmark: " + e.getMessage());
      return 1;
    }
  }

  private static void log(String format, Object... args) {
    System.err.println("[operator-scale] " + String.format(format, args));
  }

  // ---- the run ----

  private OperatorScaleReport.Run measure() {
    if (!Files.isRegularFile(options.operatorJar)) {
      throw new Failure(
          options.operatorJar
              + " is missing: build it with mvn -q -B -pl operator,e2e -am -DskipTests"
              + " -Dexec.skip=true package");
    }
    if (!portFree(options.port)) {
      throw new Failure(
          "port "
              + options.port
              + " on this host is taken: the operator could not serve /q/metrics there; choose"
              + " another with --port");
    }
    Path kubeconfig = options.kubeconfig != null ? options.kubeconfig : localKubeconfig();
    Config config;
    try {
      config = Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new Failure("cannot read the kubeconfig " + kubeconfig + ": " + e);
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      try {
        client.namespaces().list();
      } catch (KubernetesClientException e) {
        throw new Failure(
            "no API server answers at "
                + config.getMasterUrl()
                + " (start it with e2e/starling-local up --detach --no-example --nodes 0): "
                + e.getMessage());
      }
      if (client.namespaces().withName(options.namespace).get() != null) {
        throw new Failure(
            "namespace "
                + options.namespace
                + " exists already: delete it first (a previous run's?) or choose --namespace");
      }
      Integer replicasBefore = scaleDownInClusterOperator(client);
      Process operator = null;
      Thread hook = null;
      try {
        Path logFile = root.resolve("e2e/target/operator-scale-benchmark/operator.log");
        long started = System.nanoTime();
        operator = startOperator(kubeconfig, logFile);
        Process child = operator;
        hook = new Thread(child::destroyForcibly, "stop-operator");
        Runtime.getRuntime().addShutdownHook(hook);
        awaitOperatorReady(operator, logFile);
        long operatorStart = millisSince(started);
        log(
            "operator ready in %.1f s (pid %d, log %s)",
            operatorStart / 1000.0, operator.pid(), logFile);
        return run(client, operator, operatorStart);
      } finally {
        deleteNamespace(client);
        if (operator != null) {
          stopOperator(operator);
          Runtime.getRuntime().removeShutdownHook(hook);
        }
        restoreInClusterOperator(client, replicasBefore);
      }
    }
  }

  private OperatorScaleReport.Run run(
      KubernetesClient client, Process operator, long operatorStart) {
    String ns = options.namespace;
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();

    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, Long> readyAt = new ConcurrentHashMap<>();
    AtomicLong t0 = new AtomicLong();
    ResourceEventHandler<GenericKubernetesResource> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource r) {
            seen(r);
          }

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource r) {
            seen(r);
          }

          @Override
          public void onDelete(GenericKubernetesResource r, boolean unknownFinalState) {}

          private void seen(GenericKubernetesResource r) {
            Object status = r.getAdditionalProperties().get("status");
            if (status instanceof Map<?, ?> s
                && OperatorScaleReport.ready(r.getMetadata().getGeneration(), s)) {
              readyAt.putIfAbsent(r.getMetadata().getName(), System.nanoTime());
            }
          }
        };
    SharedIndexInformer<GenericKubernetesResource> informer =
        client.genericKubernetesResources(REPLICA_SETS).inNamespace(ns).inform(handler, 0);
    Sampler sampler = new Sampler(operator);
    Thread sampling = Thread.ofPlatform().daemon().name("metrics-sampler").start(sampler);
    try {
      String before = metrics();
      long t0Wall = System.currentTimeMillis();
      t0.set(System.nanoTime());
      createAll(client, createdAt);
      long createAll = millisSince(t0.get());
      log("%d ReplicaSets created in %.1f s", options.replicaSets, createAll / 1000.0);

      long deadline = t0.get() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds);
      long lastLog = System.nanoTime();
      while (readyAt.size() < options.replicaSets && System.nanoTime() < deadline) {
        sleep(100);
        if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
          log(
              "%d of %d Ready at %.0f s",
              readyAt.size(), options.replicaSets, millisSince(t0.get()) / 1000.0);
          lastLog = System.nanoTime();
        }
        if (!operator.isAlive()) {
          throw new Failure("the operator exited with " + operator.exitValue() + ": see its log");
        }
      }
      String atReady = metrics();
      long lastPod = lastPodCreated(client, t0Wall);
      long endNanos = System.nanoTime();
      boolean timedOut = readyAt.size() < options.replicaSets;
      long allReady =
          timedOut
              ? (endNanos - t0.get()) / 1_000_000
              : (readyAt.values().stream().mapToLong(Long::longValue).max().orElse(endNanos)
                      - t0.get())
                  / 1_000_000;
      log(
          timedOut ? "timed out: %d of %d Ready" : "all %2$d Ready (%1$d) after %3$.1f s",
          readyAt.size(),
          options.replicaSets,
          allReady / 1000.0);
      List<Long> perResource = new ArrayList<>();
      readyAt.forEach((name, at) -> perResource.add((at - createdAt.get(name)) / 1_000_000));

      double reconciles =
          counter(atReady, "starling_operator_reconciles_total")
              - counter(before, "starling_operator_reconciles_total");
      double errors =
          counter(atReady, "starling_operator_reconcile_errors_total")
              - counter(before, "starling_operator_reconcile_errors_total");
      Map<String, Double> actions = new LinkedHashMap<>();
      Map<String, Double> actionsBefore =
          OperatorScaleReport.byLabel(before, "starling_operator_actions_total", "type");
      OperatorScaleReport.byLabel(atReady, "starling_operator_actions_total", "type")
          .forEach(
              (type, n) -> {
                double delta = n - actionsBefore.getOrDefault(type, 0.0);
                if (delta > 0) {
                  actions.put(type, delta);
                }
              });
      long heapAtReady = heap(atReady);

      double settleReconciles = 0;
      String afterSettle = atReady;
      if (!timedOut && options.settleSeconds > 0) {
        log("measuring %d s more, all in sync", options.settleSeconds);
        sleep(options.settleSeconds * 1000L);
        afterSettle = metrics();
        settleReconciles =
            counter(afterSettle, "starling_operator_reconciles_total")
                - counter(atReady, "starling_operator_reconciles_total");
      }
      long heapAfterSettle = heap(afterSettle);
      long heapAfterGc = heapAfterFullGc(operator);
      sampler.stop();
      return new OperatorScaleReport.Run(
          options.replicaSets,
          options.members,
          operatorStart,
          createAll,
          allReady,
          readyAt.size(),
          timedOut,
          OperatorScaleReport.Summary.of(perResource),
          reconciles,
          errors,
          actions,
          timedOut ? 0 : options.settleSeconds,
          settleReconciles,
          heapAtReady,
          Math.max(sampler.heapPeak.get(), Math.max(heapAtReady, heapAfterSettle)),
          heapAfterSettle,
          heapAfterGc,
          procStatus(operator, "VmRSS"),
          procStatus(operator, "VmHWM"),
          "-Xmx" + options.heap,
          lastPod);
    } finally {
      sampler.stop();
      sampling.interrupt();
      informer.close();
    }
  }

  /** Creates the ReplicaSets from 4 threads, recording when each create call was sent. */
  private void createAll(KubernetesClient client, Map<String, Long> createdAt) {
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < options.replicaSets; i++) {
        String name = "rs-%03d".formatted(i);
        GenericKubernetesResource rs = replicaSet(options.namespace, name, options.members);
        calls.add(
            pool.submit(
                () -> {
                  createdAt.put(name, System.nanoTime());
                  client
                      .genericKubernetesResources(REPLICA_SETS)
                      .inNamespace(options.namespace)
                      .resource(rs)
                      .create();
                }));
      }
      for (Future<?> call : calls) {
        try {
          call.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new Failure("creating a ReplicaSet failed: " + e);
        }
      }
    }
  }

  /**
   * When Kubernetes (the StatefulSet controller) created the last pod in the namespace, in
   * milliseconds after {@code t0Wall} (creationTimestamp has whole seconds); -1 if there is none.
   * The operator initiates a set only once all its pods exist.
   */
  private long lastPodCreated(KubernetesClient client, long t0Wall) {
    try {
      return client.pods().inNamespace(options.namespace).list().getItems().stream()
          .map(p -> p.getMetadata().getCreationTimestamp())
          .filter(t -> t != null)
          .mapToLong(t -> java.time.Instant.parse(t).toEpochMilli() - t0Wall)
          .max()
          .orElse(-1);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static GenericKubernetesResource replicaSet(String namespace, String name, int members) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("members", members);
    spec.put("storage", Map.of("size", "1Gi"));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("starling.dev/v1alpha1")
        .withKind("ReplicaSet")
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  // ---- the operator ----

  private Path localKubeconfig() {
    try {
      Process p =
          new ProcessBuilder(root.resolve("e2e/starling-local").toString(), "kubeconfig")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        throw new Failure("e2e/starling-local kubeconfig failed");
      }
      return Path.of(out);
    } catch (IOException e) {
      throw new Failure("cannot run e2e/starling-local kubeconfig: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /** Scales the in-cluster operator to 0 and waits until its pods are gone; its replicas before. */
  private Integer scaleDownInClusterOperator(KubernetesClient client) {
    var deployment =
        client.apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName(OPERATOR_DEPLOYMENT);
    Deployment d = deployment.get();
    if (d == null) {
      log("no Deployment %s/%s: nothing to scale down", OPERATOR_NAMESPACE, OPERATOR_DEPLOYMENT);
      return null;
    }
    Integer replicas = d.getSpec().getReplicas();
    deployment.scale(0);
    log("scaled %s/%s from %s to 0", OPERATOR_NAMESPACE, OPERATOR_DEPLOYMENT, replicas);
    await(
        "the in-cluster operator's pods to go",
        Duration.ofSeconds(90),
        () ->
            client
                .pods()
                .inNamespace(OPERATOR_NAMESPACE)
                .withLabel("app.kubernetes.io/name", OPERATOR_DEPLOYMENT)
                .list()
                .getItems()
                .isEmpty());
    return replicas;
  }

  private void restoreInClusterOperator(KubernetesClient client, Integer replicas) {
    if (replicas == null) {
      return;
    }
    try {
      client
          .apps()
          .deployments()
          .inNamespace(OPERATOR_NAMESPACE)
          .withName(OPERATOR_DEPLOYMENT)
          .scale(replicas);
      log("scaled %s/%s back to %d", OPERATOR_NAMESPACE, OPERATOR_DEPLOYMENT, replicas);
    } catch (KubernetesClientException e) {
      log(
          "could not scale %s/%s back to %d: %s (kubectl -n %1$s scale deployment/%2$s"
              + " --replicas=%3$d)",
          OPERATOR_NAMESPACE, OPERATOR_DEPLOYMENT, replicas, e.getMessage());
    }
  }

  private Process startOperator(Path kubeconfig, Path logFile) {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + options.heap,
            "-Dstarling.node-client=fake",
            "-Dstarling.leader-election.enabled=false",
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.http.port=" + options.port,
            "-jar",
            options.operatorJar.toString());
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().remove("POD_NAME");
      pb.environment().remove("POD_NAMESPACE");
      log("starting the operator: KUBECONFIG=%s %s", kubeconfig, String.join(" ", command));
      return pb.start();
    } catch (IOException e) {
      throw new Failure("cannot start the operator: " + e);
    }
  }

  private void awaitOperatorReady(Process operator, Path logFile) {
    await(
        "the operator's /q/health/ready",
        Duration.ofSeconds(120),
        () -> {
          if (!operator.isAlive()) {
            throw new Failure(
                "the operator exited with "
                    + operator.exitValue()
                    + " while starting: see "
                    + logFile);
          }
          return get("/q/health/ready").status() == 200;
        });
  }

  private static void stopOperator(Process operator) {
    operator.destroy();
    try {
      if (!operator.waitFor(30, TimeUnit.SECONDS)) {
        log("the operator did not stop in 30 s after SIGTERM: killing it");
        operator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      operator.destroyForcibly();
    }
    log("operator stopped");
  }

  /** Deletes the namespace and waits (while the operator still runs) until it is gone. */
  private void deleteNamespace(KubernetesClient client) {
    try {
      if (client.namespaces().withName(options.namespace).get() == null) {
        return;
      }
      client.namespaces().withName(options.namespace).delete();
      await(
          "namespace " + options.namespace + " to be deleted",
          Duration.ofSeconds(180),
          () -> client.namespaces().withName(options.namespace).get() == null);
      log("namespace %s deleted", options.namespace);
    } catch (RuntimeException e) {
      log("deleting namespace %s: %s", options.namespace, e.getMessage());
    }
  }

  // ---- metrics ----

  private Answer get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + options.port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Answer(0, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  private String metrics() {
    Answer r = get("/q/metrics");
    if (r.status() != 200) {
      throw new Failure("GET /q/metrics answered " + r.status());
    }
    return r.body();
  }

  private static double counter(String metrics, String name) {
    return OperatorScaleReport.sum(metrics, name, Map.of()).orElse(0);
  }

  private static long heap(String metrics) {
    return (long)
        OperatorScaleReport.sum(metrics, "jvm_memory_used_bytes", Map.of("area", "heap"))
            .orElse(-1);
  }

  /** Heap used right after a full GC that jcmd asked for: the live set. -1 if jcmd failed. */
  private long heapAfterFullGc(Process operator) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), String.valueOf(operator.pid()), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return -1;
      }
      return heap(metrics());
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A field of /proc/PID/status in bytes (VmRSS, VmHWM), or -1. */
  static long procStatus(Process process, String field) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip())
              * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux, or the process is gone.
    }
    return -1;
  }

  /** Samples the operator's heap once a second, for its peak. */
  private final class Sampler implements Runnable {
    final AtomicLong heapPeak = new AtomicLong(-1);
    private final Process operator;
    private volatile boolean stopped;

    Sampler(Process operator) {
      this.operator = operator;
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      while (!stopped && operator.isAlive()) {
        try {
          long h = heap(metrics());
          heapPeak.accumulateAndGet(h, Math::max);
        } catch (RuntimeException e) {
          // One missed sample.
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  // ---- helpers ----

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (done.getAsBoolean()) {
          return;
        }
      } catch (KubernetesClientException e) {
        // Try again until the deadline.
      }
      sleep(250);
    }
    throw new Failure("timed out after " + timeout.toSeconds() + " s waiting for " + what);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /**
   * A failure that ends the run with a message for the person running it; unchecked, since most are
   * raised in callbacks and waits.
   */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  /** An HTTP answer; status 0 when nothing answered (the operator not listening yet). */
  private record Answer(int status, String body) {}
}
