package dev.starling.e2e.local;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * {@code up}: prepares the cluster's namespace, certificates and configuration in the host
 * namespace, starts the {@link Supervisor} inside the cluster's namespace, waits until every
 * component is ready and the Nodes are Ready, installs the CRDs, the operator and the example, then
 * either returns (--detach) or shows the live status until Ctrl-C, which stops everything.
 *
 * <p>If startup fails, the processes and namespaces go but the logs stay in the state directory;
 * the next {@code up} or {@code down} removes them.
 */
final class UpCommand {
  static final Duration CONTROL_PLANE_TIMEOUT = Duration.ofMinutes(4);
  static final Duration NODES_TIMEOUT = Duration.ofMinutes(3);
  static final Duration EXAMPLE_TIMEOUT = Duration.ofMinutes(5);
  static final String EXAMPLE = "manifests/examples/replicaset.yaml";
  private static final Duration POLL = Duration.ofMillis(250);

  /** What leaving the JVM does to the cluster: Ctrl-C during or after startup stops it. */
  private enum OnExit {
    STOP,
    LEAVE_RUNNING
  }

  private final LocalPaths paths;
  private final Kubectl kubectl;
  private final Teardown teardown;
  private final Clock clock = Clock.systemUTC();
  private final AtomicReference<OnExit> onExit = new AtomicReference<>(OnExit.LEAVE_RUNNING);
  private long startedAt;
  private volatile boolean exiting;

  UpCommand(LocalPaths paths) {
    this.paths = paths;
    this.kubectl = new Kubectl(paths);
    this.teardown = new Teardown(paths, UpCommand::say);
  }

  int run(List<String> args) {
    UpOptions options = UpOptions.parse(args);
    if (LocalProcesses.supervisor(paths).isPresent()) {
      say("already running (kubeconfig " + paths.adminKubeconfig() + ")");
      if (!options.detach()) {
        new StatusView(paths)
            .follow(
                "Ctrl-C leaves this view; e2e/starling-local down stops the cluster", () -> true);
      }
      return 0;
    }
    if (teardown.anythingLeft()) {
      say("cleaning up a stale run (its supervisor is gone)");
      teardown.run(false);
    }
    startedAt = clock.millis();
    int nodes = nodes(options);
    onExit.set(OnExit.STOP);
    Runtime.getRuntime().addShutdownHook(new Thread(this::onExit, "up-exit"));
    try {
      int apiPort = prepare(nodes);
      Process supervisor = startSupervisor(apiPort, nodes, options.detach());
      awaitControlPlane(supervisor);
      awaitNodes(supervisor, nodes);
      install(options);
    } catch (RuntimeException e) {
      if (onExit.getAndSet(OnExit.LEAVE_RUNNING) == OnExit.STOP) {
        String what = e instanceof LocalException ? e.getMessage() : "unexpected " + e;
        try {
          teardown.run(true);
        } catch (LocalException cleanup) {
          throw new LocalException(what + "; stopping failed too: " + cleanup.getMessage(), e);
        }
        throw new LocalException(
            what + " (logs kept in " + paths.logs() + "; down removes them)", e);
      }
      throw e;
    }
    say(
        "ready in %.1f s: export KUBECONFIG=%s"
            .formatted((clock.millis() - startedAt) / 1000.0, paths.adminKubeconfig()));
    if (options.detach()) {
      onExit.set(OnExit.LEAVE_RUNNING);
      return 0;
    }
    new StatusView(paths).follow("Ctrl-C stops the cluster", () -> !exiting);
    return 0;
  }

  private int nodes(UpOptions options) {
    if (options.nodes() == 0 || kubeletBuilt()) {
      return options.nodes();
    }
    say(
        "the process kubelet is not built ("
            + ControlPlane.KUBELET_CLASS
            + " is not on the class path): starting no nodes");
    return 0;
  }

  static boolean kubeletBuilt() {
    try {
      Class.forName(ControlPlane.KUBELET_CLASS, false, UpCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The namespace, certificates, kubeconfigs, Corefile and cluster.json; returns the API port. */
  private int prepare(int nodes) {
    try {
      Files.createDirectories(paths.logs());
      Files.createDirectories(paths.kubelet());
      Files.createDirectories(paths.etcd());
      Files.setPosixFilePermissions(paths.etcd(), PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new LocalException("cannot create " + paths.state() + ": " + e.getMessage(), e);
    }
    int apiPort = ApiPort.choose(paths.id(), UpCommand::freeOnHostLoopback);
    say("network namespace " + paths.netns() + ", API server on 127.0.0.1:" + apiPort);
    ClusterNetwork.create(paths.netns());
    Pki.generate(paths.pki());
    String ca = read(paths.pki("ca.crt"));
    String server = Kubeconfig.server(apiPort);
    for (String user : List.of("admin", "controller-manager", "scheduler")) {
      String kubeconfig =
          Kubeconfig.render(
              paths.netns(),
              server,
              ca,
              user,
              read(paths.pki(user + ".crt")),
              read(paths.pki(user + ".key")));
      writePrivate(ControlPlane.kubeconfigOf(paths, user), kubeconfig);
    }
    write(paths.corefile(), ClusterDns.corefile(paths.adminKubeconfig()));
    write(paths.etcNetns().resolve("resolv.conf"), ClusterDns.resolvConf("default"));
    Json.write(
        paths.clusterJson(),
        new ClusterState(
            paths.id(),
            paths.checkout().toString(),
            paths.netns(),
            paths.bin().toString(),
            apiPort,
            nodes,
            ProcessHandle.current().pid(),
            0,
            Map.of()));
    say("certificates and configuration written (%.1f s)".formatted(elapsedSeconds()));
    return apiPort;
  }

  private Process startSupervisor(int apiPort, int nodes, boolean detach) {
    long self = ProcessHandle.current().pid();
    SupervisorOptions options =
        new SupervisorOptions(
            paths.checkout(),
            paths.bin(),
            apiPort,
            nodes,
            "/proc/" + self + "/ns/net",
            detach ? 0 : self);
    // setsid: Ctrl-C in this terminal reaches up alone, which then stops the cluster in order.
    List<String> command = new ArrayList<>(List.of("setsid"));
    if (!detach) {
      command.addAll(List.of("setpriv", "--pdeathsig", "TERM"));
    }
    // nsenter, not ip netns exec: the supervisor and its children must stay in the host's mount
    // namespace, so that the pod namespaces the kubelet mounts under /run/netns are visible to
    // fault, exec and down (ip netns exec would give them a private mount namespace).
    command.addAll(
        List.of(
            "nsenter",
            "--net=/run/netns/" + paths.netns(),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            Supervisor.class.getName()));
    command.addAll(options.toArgs());
    File log = paths.log("supervisor").toFile();
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(paths.state().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
              .redirectErrorStream(true)
              .start();
      say("supervisor started (pid " + process.pid() + ")");
      return process;
    } catch (IOException e) {
      throw Shell.notRunnable(command, e);
    }
  }

  private void awaitControlPlane(Process supervisor) {
    Map<String, String> seen = new HashMap<>();
    long deadline = clock.millis() + CONTROL_PLANE_TIMEOUT.toMillis();
    while (true) {
      checkAlive(supervisor);
      Optional<Health> health = Json.read(paths.healthJson(), Health.class);
      if (health.isPresent()) {
        for (Health.Component c : health.get().components()) {
          if (c.state().equals(Health.EXITED)) {
            throw new LocalException(
                c.name() + " exited (" + c.detail() + "): " + lastLogLine(c.name()));
          }
          if (c.state().equals(Health.READY) && seen.put(c.name(), c.state()) == null) {
            say("%s ready (pid %d) at %.1f s".formatted(c.name(), c.pid(), elapsedSeconds()));
          }
        }
        if (health.get().allReady()) {
          break;
        }
      }
      if (clock.millis() > deadline) {
        throw new LocalException(
            "not ready after "
                + CONTROL_PLANE_TIMEOUT.toSeconds()
                + " s: "
                + health.map(UpCommand::notReady).orElse("the supervisor reported nothing"));
      }
      sleep(POLL);
    }
    // Through the forwarder, from the host: what every user of the kubeconfig will do.
    kubectl.check("get", "--raw", "/readyz");
  }

  private void awaitNodes(Process supervisor, int nodes) {
    if (nodes == 0) {
      return;
    }
    long deadline = clock.millis() + NODES_TIMEOUT.toMillis();
    long ready = -1;
    while (true) {
      checkAlive(supervisor);
      Json.read(paths.healthJson(), Health.class)
          .flatMap(
              h -> h.components().stream().filter(c -> c.state().equals(Health.EXITED)).findFirst())
          .ifPresent(
              c -> {
                throw new LocalException(
                    c.name() + " exited (" + c.detail() + "): " + lastLogLine(c.name()));
              });
      Shell.Result result =
          kubectl.run(
              "get",
              "nodes",
              "-o",
              "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n"
                  + "\"}{end}");
      long now =
          result.ok() ? result.output().lines().filter(l -> l.strip().equals("True")).count() : 0;
      if (now != ready) {
        ready = now;
        say("nodes Ready: %d/%d at %.1f s".formatted(ready, nodes, elapsedSeconds()));
      }
      if (ready >= nodes) {
        return;
      }
      if (clock.millis() > deadline) {
        throw new LocalException(
            ready
                + " of "
                + nodes
                + " nodes Ready after "
                + NODES_TIMEOUT.toSeconds()
                + " s: "
                + lastLogLine(ControlPlane.KUBELET));
      }
      sleep(Duration.ofSeconds(1));
    }
  }

  /** crds/, then the operator from manifests/, then the example; whatever of them exists yet. */
  private void install(UpOptions options) {
    Path crds = paths.checkout().resolve("crds");
    if (Files.isDirectory(crds)) {
      apply(crds);
      kubectl.check("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all");
      say("CRDs from crds/ installed");
    }
    Path manifests = paths.checkout().resolve("manifests");
    if (Files.isDirectory(manifests)) {
      apply(manifests);
      say("operator installed from manifests/");
    }
    Path example = paths.checkout().resolve(EXAMPLE);
    if (options.example() && Files.exists(example)) {
      kubectl.check("apply", "-f", example.toString());
      say("example applied: " + EXAMPLE);
      String[] id =
          kubectl
              .check(
                  "get",
                  "-f",
                  example.toString(),
                  "-o",
                  "jsonpath={.metadata.namespace} {.metadata.name} {.spec.members}")
              .strip()
              .split(" ");
      ExampleProgress progress = new ExampleProgress(kubectl, clock, startedAt, id[0], id[1]);
      ExampleProgress.Observed ready =
          progress.awaitReady(id.length > 2 ? Integer.parseInt(id[2]) : 3, EXAMPLE_TIMEOUT);
      System.out.println(ExampleProgress.usage(paths.adminKubeconfig().toString(), id[1], ready));
    }
  }

  /** A directory with a kustomization.yaml is a kustomization; otherwise its files are applied. */
  private void apply(Path dir) {
    boolean kustomization = Files.exists(dir.resolve("kustomization.yaml"));
    kubectl.check(
        "apply", "--server-side", "--force-conflicts", kustomization ? "-k" : "-f", dir.toString());
  }

  private void onExit() {
    exiting = true;
    if (onExit.getAndSet(OnExit.LEAVE_RUNNING) == OnExit.STOP) {
      say("stopping the local cluster");
      try {
        teardown.run(false);
        say("stopped");
      } catch (LocalException e) {
        System.err.println("starling-local: stopping failed: " + e.getMessage());
      }
    }
  }

  private void checkAlive(Process supervisor) {
    if (!supervisor.isAlive()) {
      throw new LocalException(
          "the supervisor exited with code "
              + supervisor.exitValue()
              + ": "
              + lastLogLine("supervisor"));
    }
  }

  private String lastLogLine(String component) {
    try {
      return Shell.lastLine(Files.readString(paths.log(component)));
    } catch (IOException e) {
      return "(no log at " + paths.log(component) + ")";
    }
  }

  private static String notReady(Health health) {
    return health.components().stream()
        .filter(c -> !c.state().equals(Health.READY))
        .map(c -> c.name() + " " + c.state() + (c.detail() == null ? "" : " (" + c.detail() + ")"))
        .collect(Collectors.joining("; "));
  }

  static boolean freeOnHostLoopback(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private double elapsedSeconds() {
    return (clock.millis() - startedAt) / 1000.0;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new LocalException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new LocalException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writePrivate(Path file, String content) {
    write(file, content);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new LocalException("cannot restrict " + file + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalException("interrupted");
    }
  }

  static void say(String line) {
    System.out.println("starling-local: " + line);
  }
}
