package dev.starling.e2e.local;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code status}, and the live view of {@code up}: the components as the supervisor last probed
 * them, the Nodes, and the ReplicaSets with their member pods (every pod while the CRD is not
 * installed).
 */
final class StatusView {
  static final Duration REFRESH = Duration.ofSeconds(2);
  static final String REPLICASET_CRD = "replicasets.starling.dev";
  private static final String CLEAR = "\033[H\033[2J";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final LocalPaths paths;
  private final Kubectl kubectl;

  StatusView(LocalPaths paths) {
    this.paths = paths;
    this.kubectl = new Kubectl(paths);
  }

  /** Prints the status once; a cluster that does not run is a failure. */
  int once() {
    Optional<Long> supervisor = LocalProcesses.supervisor(paths);
    if (supervisor.isEmpty()) {
      throw new LocalException(
          Files.exists(paths.state())
              ? "not running: the supervisor is gone (a stale run; down or up cleans it)"
              : "not running (start it with: e2e/starling-local up)");
    }
    System.out.print(render(supervisor.get()));
    return 0;
  }

  /** Redraws every 2 s until the supervisor is gone or {@code keepGoing} says stop. */
  void follow(String footer, BooleanSupplier keepGoing) {
    boolean terminal = System.console() != null;
    while (keepGoing.getAsBoolean()) {
      Optional<Long> supervisor = LocalProcesses.supervisor(paths);
      if (supervisor.isEmpty()) {
        System.out.println("starling-local: the supervisor is gone; the cluster has stopped");
        return;
      }
      String screen = render(supervisor.get()) + "\n" + footer + "\n";
      if (!keepGoing.getAsBoolean()) {
        return;
      }
      System.out.print(terminal ? CLEAR + screen : screen + "\n");
      System.out.flush();
      try {
        Thread.sleep(REFRESH);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  String render(long supervisorPid) {
    StringBuilder out = new StringBuilder();
    Optional<ClusterState> state = Json.read(paths.clusterJson(), ClusterState.class);
    out.append("starling-local ")
        .append(paths.netns())
        .append("  API ")
        .append(state.map(s -> Kubeconfig.server(s.apiPort())).orElse("?"))
        .append("  kubeconfig ")
        .append(paths.adminKubeconfig())
        .append("  (")
        .append(LocalTime.now().format(TIME))
        .append(")\n\n");
    Optional<Health> health = Json.read(paths.healthJson(), Health.class);
    out.append(components(supervisorPid, health.orElse(null), Instant.now()));
    out.append("\nNODES\n").append(kubectlOutput("get", "nodes", "-o", "wide"));
    boolean crd = kubectl.run("get", "crd", REPLICASET_CRD, "-o", "name").ok();
    if (crd) {
      out.append("\nREPLICASETS\n").append(kubectlOutput("get", "srs", "-A", "-o", "wide"));
    }
    out.append("\nPODS\n").append(kubectlOutput("get", "pods", "-A", "-o", "wide"));
    return out.toString();
  }

  /** The components table; pure, so it is tested as such. */
  static String components(long supervisorPid, Health health, Instant now) {
    StringBuilder out = new StringBuilder();
    String format = "%-24s %-8s %-9s %s%n";
    out.append(String.format(format, "COMPONENT", "PID", "STATE", "DETAIL"));
    out.append(String.format(format, "supervisor", supervisorPid, "running", ""));
    if (health == null) {
      out.append("(no health report yet)\n");
      return out.toString();
    }
    for (Health.Component c : health.components()) {
      out.append(
          String.format(
              format,
              c.name(),
              c.pid() > 0 ? Long.toString(c.pid()) : "-",
              c.state(),
              c.detail() == null ? "" : c.detail()));
    }
    Duration age = Duration.between(Instant.ofEpochMilli(health.updatedAtMillis()), now);
    if (age.compareTo(Duration.ofSeconds(10)) > 0) {
      out.append("(health report is ")
          .append(age.toSeconds())
          .append(" s old: is the supervisor stuck?)\n");
    }
    return out.toString();
  }

  private String kubectlOutput(String... args) {
    Shell.Result result = kubectl.run(args);
    return result.ok() ? result.output() : "(" + Shell.lastLine(result.output()) + ")\n";
  }
}
