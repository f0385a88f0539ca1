package dev.starling.node.it;

import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * A real starling-node process for integration tests: the shaded jar run by the JVM that runs the
 * tests, on free ports of 127.0.0.1, with its own data directory. Its stdout and stderr go to a
 * file under {@code target/it-logs} for diagnosis.
 */
public final class NodeProcess implements AutoCloseable {
  /** mongod's exit code when it cannot bind its port. */
  private static final int EXIT_NET_ERROR = 48;

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final Path dbPath;
  private final Arguments arguments;
  private final boolean ownsDbPath;
  private Process process;
  private int port;
  private int httpPort;
  private Path logFile;

  private NodeProcess(String name, Path dbPath, boolean ownsDbPath, Arguments arguments) {
    this.name = name;
    this.dbPath = dbPath;
    this.ownsDbPath = ownsDbPath;
    this.arguments = arguments;
  }

  /** The node's command-line arguments for the ports chosen for one launch. */
  @FunctionalInterface
  public interface Arguments {
    List<String> forPorts(int port, int httpPort) throws IOException;
  }

  /** Starts a node on a fresh temporary data directory, deleted again by {@link #close()}. */
  public static NodeProcess start(String name, String... extraArgs) {
    try {
      Path dir = Files.createTempDirectory("starling-it-" + name + "-");
      return start(name, dir, true, extraArgs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a node on {@code dbPath}, which the caller owns. */
  public static NodeProcess start(String name, Path dbPath, String... extraArgs) {
    return start(name, dbPath, false, extraArgs);
  }

  private static NodeProcess start(
      String name, Path dbPath, boolean ownsDbPath, String... extraArgs) {
    Arguments arguments =
        (port, httpPort) -> {
          List<String> args = new ArrayList<>();
          args.addAll(
              List.of(
                  "--port",
                  Integer.toString(port),
                  "--httpPort",
                  Integer.toString(httpPort),
                  "--dbpath",
                  dbPath.toString()));
          args.addAll(List.of(extraArgs));
          return args;
        };
    return start(name, dbPath, ownsDbPath, arguments);
  }

  /**
   * Starts a node on {@code dbPath} (owned by the caller) with the arguments {@code arguments}
   * gives for the ports chosen; the node must serve the wire protocol on that port.
   */
  public static NodeProcess start(String name, Path dbPath, Arguments arguments) {
    return start(name, dbPath, false, arguments);
  }

  private static NodeProcess start(
      String name, Path dbPath, boolean ownsDbPath, Arguments arguments) {
    NodeProcess node = new NodeProcess(name, dbPath, ownsDbPath, arguments);
    try {
      node.launch();
    } catch (RuntimeException | Error e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** The java executable of the JVM running the tests. */
  public static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The shaded node jar the build produced. */
  public static Path jar() {
    String jar = System.getProperty("starling.node.jar");
    Path path = jar != null ? Path.of(jar) : Path.of("target", "starling-node.jar");
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("starling-node jar not found at " + path.toAbsolutePath());
    }
    return path.toAbsolutePath();
  }

  /** Where node and client outputs are kept: {@code target/it-logs}. */
  public static Path logDir() {
    Path dir = jar().getParent().resolve("it-logs");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The command that runs the node jar with {@code args}. */
  public static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    return command;
  }

  /** A TCP port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the node again on the same data directory and the same ports (a replica-set member names
   * itself by host and port) after it was stopped; a running node is terminated first.
   */
  public void restartOnSamePorts() {
    if (process.isAlive()) {
      terminate();
    }
    launch(port, httpPort);
  }

  private void launch() {
    launch(0, 0);
  }

  /** Launches on the given ports, or (0) on free ones. */
  private void launch(int fixedPort, int fixedHttpPort) {
    // A port found free can be taken by someone else before the node binds it: try again then.
    for (int attempt = 1; ; attempt++) {
      if (fixedPort != 0) {
        port = fixedPort;
        httpPort = fixedHttpPort;
      } else {
        port = freePort();
        httpPort = freePort();
        while (httpPort == port) {
          httpPort = freePort();
        }
      }
      logFile = logDir().resolve(name + "-" + SEQUENCE.incrementAndGet() + ".log");
      try {
        process =
            new ProcessBuilder(command(arguments.forPorts(port, httpPort)))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        awaitReady();
        return;
      } catch (NodeDiedException e) {
        if (e.exitCode != EXIT_NET_ERROR || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private void awaitReady() {
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsMatching(e -> e instanceof IOException)
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new NodeDiedException(process.exitValue(), output());
                }
                return ping();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "node " + name + " did not answer ping within 60 s; output:\n" + output(), e);
    }
  }

  /** Whether a raw-socket {@code ping} gets {ok: 1}. */
  public boolean ping() throws IOException {
    try (Wire wire = Wire.connect(port)) {
      BsonDocument reply =
          wire.command(
              new BsonDocument("ping", new BsonInt32(1)).append("$db", new BsonString("admin")));
      return reply != null && reply.get("ok").asNumber().doubleValue() == 1.0;
    }
  }

  public int port() {
    return port;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path dbPath() {
    return dbPath;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public String uri() {
    return "mongodb://127.0.0.1:" + port + "/?directConnection=true";
  }

  /** A Java-driver client for this node; the caller closes it. */
  public MongoClient client() {
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(uri()))
            .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
            .applyToSocketSettings(
                b -> b.connectTimeout(5, TimeUnit.SECONDS).readTimeout(60, TimeUnit.SECONDS))
            .build());
  }

  /** Everything the node printed so far. */
  public String output() {
    try {
      return logFile == null ? "" : Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /** SIGKILL on the node's pid; waits until it is gone. */
  public void kill9() {
    process.toHandle().destroyForcibly();
    waitForExit();
  }

  /** SIGSTOP: the process stays, its sockets accept, but it answers nothing until resumed. */
  public void pause() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("-CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(pid())).start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill " + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGTERM on the node's pid; waits for it to exit and returns its exit code. */
  public int terminate() {
    process.toHandle().destroy();
    return waitForExit();
  }

  private int waitForExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("node " + name + " did not exit within 60 s:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Starts the node again on the same data directory (on new ports) after it was stopped or killed;
   * a running node is terminated first.
   */
  public void restart() {
    if (process.isAlive()) {
      terminate();
    }
    launch();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.toHandle().destroyForcibly();
      waitForExit();
    }
    if (ownsDbPath) {
      deleteRecursively(dbPath);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node exited before it answered ping. */
  static final class NodeDiedException extends AssertionError {
    final int exitCode;

    NodeDiedException(int exitCode, String output) {
      super("node exited with code " + exitCode + " before it was ready; output:\n" + output);
      this.exitCode = exitCode;
    }
  }
}
