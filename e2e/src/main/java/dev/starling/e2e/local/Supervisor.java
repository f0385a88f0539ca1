package dev.starling.e2e.local;

import dev.starling.e2e.local.ControlPlane.Component;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The process that owns a local cluster's children, running inside the cluster's network namespace:
 * it starts etcd, the forwarder, the API server, the controller manager, the scheduler, CoreDNS and
 * the process kubelet, writes their pids to cluster.json and their health to health.json every
 * second, and stops them all on SIGTERM (the kubelet first, so pods end gracefully). It restarts
 * nothing: a crashed component shows as exited in {@code status}.
 *
 * <p>Started by {@code up} with {@code nsenter --net} (in the host's mount namespace); not a
 * command for users.
 */
public final class Supervisor {
  private static final Set<String> AWAITED = Set.of(ControlPlane.ETCD, ControlPlane.API_SERVER);
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration AWAIT_INTERVAL = Duration.ofMillis(200);
  private static final List<String> PROXY_VARIABLES =
      List.of("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final SupervisorOptions options;
  private final LocalPaths paths;
  private final ControlPlane plane;
  private final Prober prober;
  private final Spawner spawner = new Spawner();
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Set<String> everReady = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  private Supervisor(SupervisorOptions options) {
    this.options = options;
    this.paths = new LocalPaths(options.checkout(), options.bin());
    ProcessHandle self = ProcessHandle.current();
    this.plane =
        new ControlPlane(
            paths,
            options.apiPort(),
            options.nodes(),
            new ControlPlane.Runtime(
                options.hostNetns(),
                self.pid(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path")));
    this.prober = new Prober(paths);
  }

  public static void main(String[] args) {
    Supervisor supervisor;
    try {
      supervisor = new Supervisor(SupervisorOptions.parse(List.of(args)));
    } catch (LocalException e) {
      System.err.println("starling-local supervisor: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "stop"));
    supervisor.run();
  }

  private void run() {
    log("supervisor " + ProcessHandle.current().pid() + " in network namespace " + paths.netns());
    updateState(state -> state.withSupervisor(ProcessHandle.current().pid()));
    Thread.ofPlatform().name("health").daemon(true).start(this::reportHealth);
    try {
      for (Component component : plane.all()) {
        start(component);
        if (AWAITED.contains(component.name())) {
          awaitReady(component);
        }
      }
      log("all started");
    } catch (LocalException e) {
      // Stay up: status shows what failed, and up (or down) ends us.
      log("startup stopped: " + e.getMessage());
    }
    waitForWatchedProcess();
  }

  private void start(Component component) {
    if (stopping) {
      throw new LocalException("stopping");
    }
    File log = paths.log(component.name()).toFile();
    ProcessBuilder builder =
        new ProcessBuilder(component.command())
            .directory(paths.state().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
            .redirectErrorStream(true);
    PROXY_VARIABLES.forEach(builder.environment()::remove);
    try {
      Process process = spawner.start(builder);
      running.put(component.name(), process);
      updateState(state -> state.withPid(component.name(), process.pid()));
      log("started " + component.name() + " (pid " + process.pid() + ")");
    } catch (IOException e) {
      throw new LocalException("cannot start " + component.name() + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady(Component component) {
    long deadline = clock.millis() + STARTUP_TIMEOUT.toMillis();
    while (true) {
      Process process = running.get(component.name());
      if (!process.isAlive()) {
        throw new LocalException(component.name() + " exited with code " + process.exitValue());
      }
      String problem = prober.notReadyBecause(component);
      if (problem == null) {
        everReady.add(component.name());
        log(component.name() + " ready");
        return;
      }
      if (clock.millis() > deadline) {
        throw new LocalException(component.name() + " not ready: " + problem);
      }
      sleep(AWAIT_INTERVAL);
    }
  }

  private void reportHealth() {
    while (true) {
      try {
        Json.write(paths.healthJson(), health());
      } catch (RuntimeException e) {
        log("cannot write health: " + e.getMessage());
      }
      sleep(PROBE_INTERVAL);
    }
  }

  private Health health() {
    List<Health.Component> components = new ArrayList<>();
    for (Component component : plane.all()) {
      Process process = running.get(component.name());
      if (process == null) {
        components.add(new Health.Component(component.name(), 0, Health.WAITING, "not started"));
      } else if (!process.isAlive()) {
        components.add(
            new Health.Component(
                component.name(),
                process.pid(),
                Health.EXITED,
                "exit code " + process.exitValue() + ", see " + paths.log(component.name())));
      } else {
        String problem = prober.notReadyBecause(component);
        if (problem == null) {
          everReady.add(component.name());
        }
        String state =
            problem == null
                ? Health.READY
                : everReady.contains(component.name()) ? Health.UNREADY : Health.STARTING;
        components.add(new Health.Component(component.name(), process.pid(), state, problem));
      }
    }
    return new Health(clock.millis(), stopping, components);
  }

  private void waitForWatchedProcess() {
    while (true) {
      if (options.watchPid() > 0
          && !ProcessHandle.of(options.watchPid()).map(ProcessHandle::isAlive).orElse(false)) {
        log("process " + options.watchPid() + " (up) is gone: stopping");
        System.exit(0); // runs stop()
      }
      sleep(Duration.ofMillis(500));
    }
  }

  /**
   * SIGTERM in reverse start order, in groups: the kubelet alone first (its pods stop gracefully
   * while the API server still answers), then the control-plane clients, then the API server, then
   * etcd; SIGKILL whatever outlives its grace.
   */
  private void stop() {
    stopping = true;
    log("stopping");
    List<List<String>> groups =
        List.of(
            List.of(ControlPlane.KUBELET),
            List.of(
                ControlPlane.COREDNS,
                ControlPlane.SCHEDULER,
                ControlPlane.CONTROLLER_MANAGER,
                ControlPlane.FORWARDER),
            List.of(ControlPlane.API_SERVER),
            List.of(ControlPlane.ETCD));
    for (List<String> group : groups) {
      List<Component> members = plane.all().stream().filter(c -> group.contains(c.name())).toList();
      for (Component member : members) {
        Optional.ofNullable(running.get(member.name())).ifPresent(Process::destroy);
      }
      for (Component member : members) {
        Process process = running.get(member.name());
        if (process != null && !awaitExit(process, member.stopGrace())) {
          log(member.name() + " did not stop within " + member.stopGrace() + ": SIGKILL");
          process.destroyForcibly();
          awaitExit(process, Duration.ofSeconds(5));
        }
      }
    }
    log("stopped");
  }

  private static boolean awaitExit(Process process, Duration grace) {
    try {
      return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private synchronized void updateState(UnaryOperator<ClusterState> change) {
    ClusterState state =
        Json.read(paths.clusterJson(), ClusterState.class)
            .orElseThrow(() -> new LocalException(paths.clusterJson() + " is missing"));
    Json.write(paths.clusterJson(), change.apply(state));
  }

  private static void log(String message) {
    System.out.println(LocalTime.now().format(TIME) + " " + message);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
