package dev.starling.e2e.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bson.Document;

/**
 * A server the benchmark talks to: either a child process it started (starling-node or PeerServer),
 * with its output captured to files, or an external server reached by URI. Closing it kills the
 * child and deletes its files; closing twice is harmless.
 */
final class ServerProcess implements AutoCloseable {

  private final String name;
  private final String uri;
  private final Process process;
  private final Path workDir;
  private final boolean deleteWorkDir;
  private boolean closed;

  private ServerProcess(
      String name, String uri, Process process, Path workDir, boolean deleteWorkDir) {
    this.name = name;
    this.uri = uri;
    this.process = process;
    this.workDir = workDir;
    this.deleteWorkDir = deleteWorkDir;
  }

  /** A server that is already running somewhere: nothing to start, stop or measure. */
  static ServerProcess external(String name, String uri) {
    return new ServerProcess(name, uri, null, null, false);
  }

  /**
   * Starts {@code command} (which must listen on {@code port}) with stdout and stderr going to
   * files in {@code workDir}, which this object owns and deletes on close.
   */
  static ServerProcess start(String name, List<String> command, int port, Path workDir)
      throws IOException {
    return start(name, command, port, workDir, true);
  }

  /**
   * Like {@link #start(String, List, int, Path)}, but {@code workDir} is deleted on close only if
   * {@code deleteWorkDir}: the caller may keep the output of a process it ended.
   */
  static ServerProcess start(
      String name, List<String> command, int port, Path workDir, boolean deleteWorkDir)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(workDir.resolve("stdout.log").toFile())
            .redirectError(workDir.resolve("stderr.log").toFile());
    Process process = builder.start();
    String uri = "mongodb://127.0.0.1:" + port + "/?directConnection=true";
    return new ServerProcess(name, uri, process, workDir, deleteWorkDir);
  }

  /** A TCP port that was free on 127.0.0.1 a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  String name() {
    return name;
  }

  String uri() {
    return uri;
  }

  /** The child's exit code once it has exited; empty while it runs (or for an external server). */
  OptionalInt exitCode() {
    return process != null && !process.isAlive()
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  boolean isChild() {
    return process != null;
  }

  OptionalLong pid() {
    return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
  }

  /**
   * Waits until the server answers {@code ping}; fails with the server's own output if it exits
   * first or does not answer within {@code timeout}.
   */
  void awaitReady(Duration timeout) throws BenchmarkException {
    long deadline = System.nanoTime() + timeout.toNanos();
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(uri))
            .applyToClusterSettings(b -> b.serverSelectionTimeout(500, TimeUnit.MILLISECONDS))
            .applyToSocketSettings(
                b -> b.connectTimeout(500, TimeUnit.MILLISECONDS).readTimeout(5, TimeUnit.SECONDS))
            .build();
    String lastError = "no attempt made";
    try (MongoClient probe = MongoClients.create(settings)) {
      while (true) {
        if (process != null && !process.isAlive()) {
          throw new BenchmarkException(
              name
                  + " exited with code "
                  + process.exitValue()
                  + " before accepting connections.\n"
                  + output());
        }
        try {
          probe.getDatabase("admin").runCommand(new Document("ping", 1));
          return;
        } catch (RuntimeException e) {
          lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw new BenchmarkException(
              name
                  + " did not answer ping at "
                  + uri
                  + " within "
                  + timeout.toSeconds()
                  + " s (last error: "
                  + lastError
                  + ").\n"
                  + output());
        }
        sleep(100);
      }
    }
  }

  /** Fails with the server's output if the child process has died. */
  void checkAlive() throws BenchmarkException {
    if (process != null && !process.isAlive()) {
      throw new BenchmarkException(
          name + " died with exit code " + process.exitValue() + ".\n" + output());
    }
  }

  /** Resident set size of the child in KiB, from /proc (Linux only). */
  OptionalLong rssKib() {
    return procStatus("VmRSS:");
  }

  /** Peak resident set size of the child in KiB, from /proc (Linux only). */
  OptionalLong peakRssKib() {
    return procStatus("VmHWM:");
  }

  private OptionalLong procStatus(String key) {
    if (process == null || !process.isAlive()) {
      return OptionalLong.empty();
    }
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(key)) {
          String digits = line.substring(key.length()).replaceAll("[^0-9]", "");
          return digits.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(digits));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Not Linux, or the process just went away.
    }
    return OptionalLong.empty();
  }

  /** The last lines of the child's stderr and stdout, labelled, for error messages. */
  String output() {
    if (workDir == null) {
      return "(external server: no output captured)";
    }
    StringBuilder out = new StringBuilder();
    for (String file : List.of("stderr.log", "stdout.log")) {
      List<String> lines = tail(workDir.resolve(file), 80);
      out.append("----- ")
          .append(name)
          .append(' ')
          .append(file)
          .append(lines.isEmpty() ? " (empty)" : "")
          .append(" -----\n");
      lines.forEach(l -> out.append(l).append('\n'));
    }
    return out.toString();
  }

  private static List<String> tail(Path file, int max) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return new ArrayList<>(lines.subList(Math.max(0, lines.size() - max), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (process != null) {
      List<ProcessHandle> descendants = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      descendants.forEach(ProcessHandle::destroyForcibly);
    }
    if (workDir != null && deleteWorkDir) {
      deleteRecursively(workDir);
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // Best effort: a temp directory left behind is not worth failing the run.
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // Same.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
