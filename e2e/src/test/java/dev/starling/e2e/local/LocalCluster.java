package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local control plane as the end-to-end tests drive it: through the {@code e2e/starling-local}
 * command, exactly as a person or another tool would, plus a fabric8 client on its kubeconfig.
 */
final class LocalCluster implements AutoCloseable {

  /** What a command printed and how it ended. */
  record Result(int exitCode, String out, String err) {
    Result assertOk() {
      assertThat(exitCode).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
      return this;
    }
  }

  private final Path checkout;
  private final KubernetesClient client;

  private LocalCluster(Path checkout, KubernetesClient client) {
    this.checkout = checkout;
    this.client = client;
  }

  static Path checkout() {
    return Path.of(System.getProperty("starling.checkout", "..")).toAbsolutePath().normalize();
  }

  /**
   * Starts the control plane with {@code nodes} local nodes and no example, detached. On a new
   * machine this first builds the Kubernetes binaries (about 8 minutes on 2 cores).
   */
  static LocalCluster up(int nodes) throws IOException, InterruptedException {
    Path checkout = checkout();
    run(checkout, 1800, "up", "--detach", "--no-example", "--nodes", String.valueOf(nodes))
        .assertOk();
    String kubeconfig = run(checkout, 60, "kubeconfig").assertOk().out().strip();
    Config config = Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)));
    return new LocalCluster(checkout, new KubernetesClientBuilder().withConfig(config).build());
  }

  KubernetesClient client() {
    return client;
  }

  Path stateDir() {
    return checkout.resolve(".starling-local");
  }

  Result run(String... args) throws IOException, InterruptedException {
    return run(checkout, 300, args);
  }

  Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("kubectl"));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  /** Runs {@code command} inside the cluster's network namespace, where cluster DNS resolves. */
  Result exec(String... command) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("exec", "--"));
    all.addAll(List.of(command));
    return run(all.toArray(String[]::new));
  }

  /**
   * Starts {@code command} inside the cluster namespace in the background, its output going to
   * {@code out}; the caller stops it.
   */
  Process spawn(Path out, String... command) throws IOException {
    List<String> all = new ArrayList<>(List.of("exec", "--"));
    all.addAll(List.of(command));
    return start(out, all.toArray(String[]::new));
  }

  /**
   * Starts {@code starling-local ARGS...} in the background (a {@code kubectl drain} that waits on
   * evictions, say), its output going to {@code out}; the caller stops it.
   */
  Process start(Path out, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(checkout.resolve("e2e/starling-local").toString()));
    all.addAll(List.of(args));
    return new ProcessBuilder(all)
        .directory(checkout.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile())
        .redirectErrorStream(true)
        .start();
  }

  /** The current PyMongo from PyPI, in the project-local virtualenv the build makes. */
  Path venvPython() {
    return checkout.resolve("test-clients/.venv/bin/python");
  }

  /** Runs a Python script with Debian's python3 (PyMongo 3.11) inside the cluster namespace. */
  Result python(String script) throws IOException, InterruptedException {
    return exec("/usr/bin/python3", "-c", script);
  }

  /** Applies a YAML document with kubectl, as a user would, with any extra kubectl flags. */
  Result apply(String yaml, String... flags) throws IOException, InterruptedException {
    Path file = Files.createTempFile("starling-e2e", ".yaml");
    try {
      Files.writeString(file, yaml);
      List<String> args = new ArrayList<>(List.of("apply", "-f", file.toString()));
      args.addAll(List.of(flags));
      return kubectl(args.toArray(String[]::new));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static Result run(Path checkout, int timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(checkout.resolve("e2e/starling-local").toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("starling-local", ".out");
    Path err = Files.createTempFile("starling-local", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(checkout.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish in "
                + timeoutSeconds
                + " s; stderr:\n"
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Keeps what explains a failure after {@code down} removes the state: the operator's container
   * logs, every Event and every ReplicaSet, under {@code e2e/target/cluster-logs/<time>}.
   */
  private void keepEvidence() throws IOException, InterruptedException {
    Path into =
        checkout
            .resolve("e2e/target/cluster-logs")
            .resolve(String.valueOf(System.currentTimeMillis()));
    Files.createDirectories(into);
    Files.writeString(
        into.resolve("events.txt"),
        kubectl("get", "events", "-A", "--sort-by=.lastTimestamp").out());
    Files.writeString(
        into.resolve("replicasets.yaml"), kubectl("get", "srs", "-A", "-o", "yaml").out());
    Path pods = stateDir().resolve("kubelet/pods");
    if (!Files.isDirectory(pods)) {
      return;
    }
    try (var operators = Files.list(pods)) {
      for (Path pod :
          operators
              .filter(p -> p.getFileName().toString().startsWith("starling-system_"))
              .toList()) {
        Path logs = pod.resolve("logs");
        if (!Files.isDirectory(logs)) {
          continue;
        }
        try (var files = Files.walk(logs)) {
          for (Path log : files.filter(Files::isRegularFile).toList()) {
            Path copy =
                into.resolve(
                    pod.getFileName() + "_" + logs.relativize(log).toString().replace('/', '_'));
            Files.copy(log, copy);
          }
        }
      }
    }
  }

  /** Stops everything; the caller checks what was left behind. */
  @Override
  public void close() throws IOException, InterruptedException {
    client.close();
    try {
      keepEvidence();
    } catch (IOException | RuntimeException e) {
      System.err.println("could not keep the cluster's logs: " + e);
    }
    run(checkout, 120, "down").assertOk();
  }
}
