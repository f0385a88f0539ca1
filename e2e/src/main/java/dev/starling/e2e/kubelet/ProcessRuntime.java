package dev.starling.e2e.kubelet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the kubelet's processes. Every process is forked by one long-lived platform
 * thread: PR_SET_PDEATHSIG (set by {@code setpriv --pdeathsig KILL}) fires when the thread that
 * forked the process ends, so forking from short-lived or virtual threads would kill containers
 * early. Processes are found again through /proc by their namespaces, never by name.
 */
final class ProcessRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

  /** A container's main process and what the kubelet needs to know about it. */
  static final class ContainerProcess {
    final Process process;
    final long pid;
    final Instant startedAt;
    final int restartCount;
    final Path pidFile;

    /** The container's mount namespace, once its setup is done (to find its other processes). */
    volatile String mountNamespace;

    volatile Instant exitedAt;

    ContainerProcess(Process process, Instant startedAt, int restartCount, Path pidFile) {
      this.process = process;
      this.pid = process.pid();
      this.startedAt = startedAt;
      this.restartCount = restartCount;
      this.pidFile = pidFile;
    }

    boolean alive() {
      return process.isAlive();
    }
  }

  private final ExecutorService spawner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "process-spawner");
            t.setDaemon(true);
            return t;
          });
  private final Clock clock;
  private final String ownMountNamespace;

  ProcessRuntime(Clock clock) {
    this.clock = clock;
    this.ownMountNamespace = namespace(ProcessHandle.current().pid(), "mnt").orElse("");
  }

  /**
   * Starts {@code argv} with exactly {@code env}, stdin from /dev/null and stdout and stderr merged
   * into {@code log} (truncated), from the spawner thread.
   */
  Process spawn(List<String> argv, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectInput(new File("/dev/null"));
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
    try {
      return spawner.submit(builder::start).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + argv.getFirst(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * Starts a container's main process and records its pid in {@code pidFile}, which is deleted when
   * the process ends; {@code onExit} runs then too.
   */
  ContainerProcess startContainer(
      List<String> argv,
      Map<String, String> env,
      Path log,
      Path pidFile,
      int restartCount,
      Runnable onExit)
      throws IOException {
    Files.createDirectories(log.getParent());
    Files.createDirectories(pidFile.getParent());
    Process process = spawn(argv, env, log);
    ContainerProcess cp = new ContainerProcess(process, clock.instant(), restartCount, pidFile);
    Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
    process
        .onExit()
        .thenRun(
            () -> {
              cp.exitedAt = clock.instant();
              try {
                // Only our own pid: a newer run may have written the file already.
                if (Files.readString(pidFile).strip().equals(Long.toString(cp.pid))) {
                  Files.deleteIfExists(pidFile);
                }
              } catch (IOException e) {
                // already gone
              }
              onExit.run();
            });
    return cp;
  }

  /**
   * Notes the container's mount namespace once it has left the kubelet's (its setup script runs in
   * a new one), so that its other processes can be found later, even after the main one ended.
   */
  void observeMountNamespace(ContainerProcess cp) {
    if (cp.mountNamespace != null || !cp.alive()) {
      return;
    }
    Optional<String> root = readLink(Path.of("/proc", Long.toString(cp.pid), "root"));
    // The root changes with the final exec (unshare --root); then the namespace is the final one.
    if (root.isPresent() && !root.get().equals("/")) {
      namespace(cp.pid, "mnt")
          .filter(ns -> !ns.equals(ownMountNamespace))
          .ifPresent(
              ns -> {
                cp.mountNamespace = ns;
              });
    }
  }

  /**
   * True once the container's setup script has exec'd its command: only then do exec probes and
   * hooks see the container's view (before, nsenter would land in the setup's, the host's files).
   */
  boolean setUp(ContainerProcess cp) {
    observeMountNamespace(cp);
    return cp.mountNamespace != null;
  }

  /** Waits up to {@code timeout} for {@link #setUp}; false if the process ended or took longer. */
  boolean awaitSetUp(ContainerProcess cp, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!setUp(cp)) {
      if (!cp.alive() || System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Stops a container as a runtime does with a pid namespace: SIGTERM to the main process, up to
   * {@code grace} for it to end, then SIGKILL to it and every process left in its mount namespace.
   */
  void stopContainer(ContainerProcess cp, Duration grace) {
    observeMountNamespace(cp);
    List<ProcessHandle> descendants = cp.process.descendants().toList();
    if (cp.alive() && !grace.isZero()) {
      cp.process.destroy();
      try {
        cp.process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    cp.process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    if (cp.mountNamespace != null) {
      killAllIn("mnt", cp.mountNamespace);
    }
    try {
      cp.process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILLs every process whose {@code type} namespace is {@code id} (e.g. "net:[4026...]"). */
  int killAllIn(String type, String id) {
    int killed = 0;
    for (long pid : pidsIn(type, id)) {
      if (pid != ProcessHandle.current().pid()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        killed++;
      }
    }
    return killed;
  }

  /** The processes whose {@code type} namespace is {@code id}. */
  static List<Long> pidsIn(String type, String id) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit))
          .forEach(
              n -> {
                long pid = Long.parseLong(n);
                if (namespace(pid, type).map(id::equals).orElse(false)) {
                  pids.add(pid);
                }
              });
    } catch (IOException e) {
      LOG.warn("cannot list /proc: {}", e.toString());
    }
    return pids;
  }

  /** A process's namespace id as /proc shows it ("net:[4026532174]"). */
  static Optional<String> namespace(long pid, String type) {
    return readLink(Path.of("/proc", Long.toString(pid), "ns", type));
  }

  /** The namespace id of a namespace file (such as /run/netns/NAME), in /proc's format. */
  static Optional<String> namespaceOfFile(Path file, String type) {
    try {
      Object ino = Files.getAttribute(file, "unix:ino");
      return Optional.of(type + ":[" + ino + "]");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> readLink(Path link) {
    try {
      return Optional.of(Files.readSymbolicLink(link).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs a short command to completion from the calling thread, for tools that leave nothing behind
   * (ip, CNI plugins). stdout and stderr are kept apart: a CNI result is stdout alone.
   */
  static Result run(List<String> argv, Map<String, String> env, String stdin, Duration timeout)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    if (env != null) {
      builder.environment().putAll(env);
    }
    Process p = builder.start();
    // Read on virtual threads so a chatty process cannot block on a full pipe past the timeout.
    var stdout = drain(p.getInputStream());
    var stderr = drain(p.getErrorStream());
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not finish within " + timeout);
      }
      return new Result(
          p.exitValue(), stdout.get(5, TimeUnit.SECONDS), stderr.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return new Result(p.exitValue(), "", "");
    }
  }

  private static java.util.concurrent.CompletableFuture<String> drain(java.io.InputStream in) {
    var out = new java.util.concurrent.CompletableFuture<String>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (in) {
                out.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.complete("");
              }
            });
    return out;
  }

  record Result(int exitCode, String output, String error) {
    boolean ok() {
      return exitCode == 0;
    }

    /** Both streams, for a message. */
    String text() {
      return (output + (error.isEmpty() ? "" : "\n" + error)).strip();
    }
  }

  @Override
  public void close() {
    spawner.shutdown();
  }
}
