package dev.starling.e2e.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;

/**
 * A replica set of starling-node processes on 127.0.0.1, each member on fixed ports with its own
 * data directory under one temporary root, so that a member killed with SIGKILL can be started
 * again on the same ports and data. Every incarnation of a member is a {@link ServerProcess} whose
 * output is kept until {@link #close()}, which resumes stopped members, kills all of them and
 * deletes the root (unless asked to keep it).
 */
final class LocalReplicaSet implements AutoCloseable {

  static final String SET_NAME = "rs0";

  /** One member: its ports and data survive its processes. */
  final class Member {
    final int index;
    final int port;
    final int httpPort;
    final Path dir;
    final Path dbPath;
    private final List<ServerProcess> incarnations = new ArrayList<>();
    private ServerProcess current;
    private boolean paused;
    private boolean killedByUs;
    private MongoClient admin;

    private Member(int index, int port, int httpPort, Path dir) throws IOException {
      this.index = index;
      this.port = port;
      this.httpPort = httpPort;
      this.dir = dir;
      this.dbPath = Files.createDirectories(dir.resolve("db"));
    }

    String host() {
      return "127.0.0.1:" + port;
    }

    String name() {
      return "member " + index + " (" + host() + ")";
    }

    synchronized long pid() {
      return current.pid().orElseThrow();
    }

    synchronized boolean isAlive() {
      return current != null && current.pid().isPresent() && processAlive();
    }

    private boolean processAlive() {
      return ProcessHandle.of(current.pid().getAsLong()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Starts a new process on this member's ports and data and waits until it answers ping. */
    void start() throws BenchmarkException {
      // A port freed by a SIGKILL can take a moment to be bindable again; mongod exits 48 then.
      for (int attempt = 1; ; attempt++) {
        ServerProcess process;
        synchronized (this) {
          try {
            Path runDir = Files.createDirectories(dir.resolve("run-" + (incarnations.size() + 1)));
            process = ServerProcess.start(name(), command(), port, runDir, false);
          } catch (IOException e) {
            throw new BenchmarkException("could not start " + name() + ": " + e, e);
          }
          incarnations.add(process);
          current = process;
          paused = false;
          killedByUs = false;
        }
        try {
          process.awaitReady(startupTimeout);
          return;
        } catch (BenchmarkException e) {
          if (attempt >= 3 || !e.getMessage().contains("exited with code 48")) {
            throw e;
          }
          log(name() + " could not bind its port yet; starting it again");
        }
      }
    }

    private List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvmArgs);
      command.addAll(
          List.of(
              "--enable-native-access=ALL-UNNAMED",
              "-jar",
              jar.toString(),
              "--replSet",
              SET_NAME,
              "--bind_ip",
              "127.0.0.1",
              "--port",
              Integer.toString(port),
              "--httpPort",
              Integer.toString(httpPort),
              "--dbpath",
              dbPath.toString()));
      return command;
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill9() throws BenchmarkException {
      ProcessHandle handle;
      synchronized (this) {
        handle = ProcessHandle.of(pid()).orElse(null);
      }
      if (handle == null) {
        return;
      }
      synchronized (this) {
        killedByUs = true;
      }
      handle.destroyForcibly();
      try {
        handle.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new BenchmarkException(name() + " did not exit within 30 s of SIGKILL", e);
      }
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing until {@link #resume()}. */
    void pause() throws BenchmarkException {
      signal("-STOP");
      synchronized (this) {
        paused = true;
      }
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws BenchmarkException {
      signal("-CONT");
      synchronized (this) {
        paused = false;
      }
    }

    private void signal(String signal) throws BenchmarkException {
      long pid = pid();
      try {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new BenchmarkException("kill " + signal + " " + pid + " failed (" + name() + ")");
        }
      } catch (IOException e) {
        throw new BenchmarkException("could not run kill " + signal + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkException("interrupted while signalling " + name(), e);
      }
    }

    /** A client connected straight to this member, short timeouts, for hello and status. */
    synchronized MongoClient admin() {
      if (admin == null) {
        admin = directClient(host(), Duration.ofSeconds(2));
      }
      return admin;
    }

    /** hello, or empty if the member is down, paused or does not answer in time. */
    Optional<Document> hello() {
      synchronized (this) {
        if (paused || current == null || !processAlive()) {
          return Optional.empty();
        }
      }
      try {
        return Optional.of(admin().getDatabase("admin").runCommand(new Document("hello", 1)));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    boolean isPrimary() {
      return hello().map(h -> h.getBoolean("isWritablePrimary", false)).orElse(false);
    }

    boolean isSecondary() {
      return hello().map(h -> h.getBoolean("secondary", false)).orElse(false);
    }

    /** replSetGetStatus, or empty if the member does not answer it. */
    Optional<Document> status() {
      if (hello().isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            admin().getDatabase("admin").runCommand(new Document("replSetGetStatus", 1)));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    /** What hello says about this member, for progress and error messages. */
    String describeState() {
      if (isPaused()) {
        return "paused (SIGSTOP)";
      }
      return hello()
          .map(
              h ->
                  h.getBoolean("isWritablePrimary", false)
                      ? "PRIMARY"
                      : h.getBoolean("secondary", false) ? "SECONDARY" : "other (" + h.get("info"))
          .orElse(
              isAlive()
                  ? "not answering"
                  : unexpectedExit().isPresent()
                      ? "exited with code " + unexpectedExit().getAsInt()
                      : "down");
    }

    synchronized boolean isPaused() {
      return paused;
    }

    /** Set if the current process exited without the benchmark killing it: its exit code. */
    synchronized OptionalInt unexpectedExit() {
      return current == null || killedByUs ? OptionalInt.empty() : current.exitCode();
    }

    /** The last lines of every incarnation's output. */
    synchronized String output() {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < incarnations.size(); i++) {
        out.append("===== ")
            .append(name())
            .append(", process ")
            .append(i + 1)
            .append(" of ")
            .append(incarnations.size())
            .append(" =====\n")
            .append(incarnations.get(i).output());
      }
      return out.toString();
    }

    private synchronized void close() {
      if (admin != null) {
        try {
          admin.close();
        } catch (RuntimeException e) {
          // Closing a client of a dead member: nothing to do.
        }
      }
      if (paused) {
        try {
          resume();
        } catch (BenchmarkException e) {
          // The kill below still ends it: SIGKILL works on a stopped process.
        }
      }
      for (ServerProcess p : incarnations) {
        p.close();
      }
    }
  }

  private final String java;
  private final Path jar;
  private final List<String> jvmArgs;
  private final Duration startupTimeout;
  private final boolean keepDir;
  private final Path root;
  private final List<Member> members = new ArrayList<>();
  private Thread shutdownHook;
  private boolean closed;

  private LocalReplicaSet(
      String java,
      Path jar,
      List<String> jvmArgs,
      Duration startupTimeout,
      boolean keepDir,
      Path root) {
    this.java = java;
    this.jar = jar;
    this.jvmArgs = List.copyOf(jvmArgs);
    this.startupTimeout = startupTimeout;
    this.keepDir = keepDir;
    this.root = root;
  }

  /**
   * Starts {@code size} members with {@code --replSet rs0}, one after the other, and waits until
   * each answers ping; the set still has to be {@linkplain #initiate initiated}.
   */
  static LocalReplicaSet start(
      int size, Path jar, List<String> jvmArgs, Duration startupTimeout, boolean keepDir)
      throws BenchmarkException {
    if (!Files.isRegularFile(jar)) {
      throw new BenchmarkException(
          "starling-node jar not found at "
              + jar
              + "\nBuild it with: mvn -q -pl node-image,e2e -am package -DskipTests"
              + " (or pass --jar PATH)");
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    LocalReplicaSet set;
    try {
      set =
          new LocalReplicaSet(
              java,
              jar.toAbsolutePath().normalize(),
              jvmArgs,
              startupTimeout,
              keepDir,
              Files.createTempDirectory("starling-replbench-"));
    } catch (IOException e) {
      throw new BenchmarkException("could not create a temporary directory: " + e, e);
    }
    set.shutdownHook = new Thread(set::close, "replbench-cleanup");
    Runtime.getRuntime().addShutdownHook(set.shutdownHook);
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int port = ServerProcess.freePort();
        int httpPort = ServerProcess.freePort();
        while (ports.contains(port) || ports.contains(httpPort) || port == httpPort) {
          port = ServerProcess.freePort();
          httpPort = ServerProcess.freePort();
        }
        ports.add(port);
        ports.add(httpPort);
        set.members.add(set.new Member(i, port, httpPort, set.root.resolve("member-" + i)));
      }
      for (Member m : set.members) {
        log("starting " + m.name() + ": " + String.join(" ", m.command()));
        m.start();
      }
    } catch (IOException e) {
      set.close();
      throw new BenchmarkException("could not prepare the members: " + e, e);
    } catch (BenchmarkException | RuntimeException e) {
      set.close();
      throw e;
    }
    return set;
  }

  List<Member> members() {
    return members;
  }

  Member member(int i) {
    return members.get(i);
  }

  Path root() {
    return root;
  }

  /** The replica-set connection string over every member, with {@code options} appended. */
  String uri(String options) {
    String hosts = members.stream().map(Member::host).collect(Collectors.joining(","));
    return "mongodb://"
        + hosts
        + "/?replicaSet="
        + SET_NAME
        + (options.isEmpty() ? "" : "&" + options);
  }

  /** replSetInitiate on member 0: every member with priority 1 and the given timeout. */
  void initiate(long electionTimeoutMillis) throws BenchmarkException {
    initiate(electionTimeoutMillis, members.size());
  }

  /** replSetInitiate on member 0 with the first {@code count} members; the rest stay empty. */
  void initiate(long electionTimeoutMillis, int count) throws BenchmarkException {
    List<Document> config = new ArrayList<>();
    for (Member m : members.subList(0, count)) {
      config.add(new Document("_id", m.index).append("host", m.host()));
    }
    Document command =
        new Document(
            "replSetInitiate",
            new Document("_id", SET_NAME)
                .append("members", config)
                .append("settings", new Document("electionTimeoutMillis", electionTimeoutMillis)));
    try (MongoClient client = directClient(members.get(0).host(), Duration.ofSeconds(60))) {
      client.getDatabase("admin").runCommand(command);
    } catch (RuntimeException e) {
      throw failure("replSetInitiate failed: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until one member's hello says it is the writable primary and every other member's says
   * secondary; returns the primary. Fails with every member's state and output on timeout.
   */
  Member awaitStable(Duration timeout) throws BenchmarkException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Member primary = null;
      int secondaries = 0;
      int primaries = 0;
      for (Member m : members) {
        Optional<Document> hello = m.hello();
        if (hello.isEmpty()) {
          continue;
        }
        if (hello.get().getBoolean("isWritablePrimary", false)) {
          primaries++;
          primary = m;
        } else if (hello.get().getBoolean("secondary", false)) {
          secondaries++;
        }
      }
      if (primaries == 1 && secondaries == members.size() - 1) {
        return primary;
      }
      checkNoUnexpectedExit();
      if (System.nanoTime() > deadline) {
        throw failure(
            "no stable set (one PRIMARY, "
                + (members.size() - 1)
                + " SECONDARY) within "
                + timeout.toSeconds()
                + " s; states: "
                + describeStates(),
            null);
      }
      sleepMillis(100);
    }
  }

  /**
   * Fails, with every member's output, if a member's process ended without the benchmark killing it
   * (a crash, or a signal from outside).
   */
  void checkNoUnexpectedExit() throws BenchmarkException {
    for (Member m : members) {
      OptionalInt code = m.unexpectedExit();
      if (code.isPresent()) {
        throw failure(
            m.name()
                + " exited on its own (or was signalled by someone else) with code "
                + code.getAsInt()
                + "; states: "
                + describeStates(),
            null);
      }
    }
  }

  /** Waits until {@code m}'s hello says secondary. */
  void awaitSecondary(Member m, Duration timeout) throws BenchmarkException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!m.isSecondary()) {
      checkNoUnexpectedExit();
      if (System.nanoTime() > deadline) {
        throw failure(
            m.name()
                + " did not become SECONDARY within "
                + timeout.toSeconds()
                + " s; states: "
                + describeStates(),
            null);
      }
      sleepMillis(100);
    }
  }

  String describeStates() {
    return members.stream()
        .map(m -> m.name() + ": " + m.describeState())
        .collect(Collectors.joining("; "));
  }

  /** Every member's recent output, for a failure report. */
  String output() {
    return members.stream().map(Member::output).collect(Collectors.joining("\n"));
  }

  /** A failure whose message carries every member's recent output. */
  BenchmarkException failure(String message, Throwable cause) {
    String text =
        message
            + "\n"
            + output()
            + (keepDir ? "\nfull member logs kept under " + root : "\n(--keep-dir keeps them)");
    return cause == null ? new BenchmarkException(text) : new BenchmarkException(text, cause);
  }

  /** The buildInfo version of the first member that answers. */
  String version() {
    for (Member m : members) {
      try {
        Object version =
            m.admin().getDatabase("admin").runCommand(new Document("buildInfo", 1)).get("version");
        if (version != null) {
          return version.toString();
        }
      } catch (RuntimeException e) {
        // Try the next member.
      }
    }
    return "?";
  }

  /** A client straight to one host (no discovery), reads allowed on a secondary. */
  static MongoClient directClient(String host, Duration readTimeout) {
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(
                new ConnectionString(
                    "mongodb://"
                        + host
                        + "/?directConnection=true&readPreference=primaryPreferred"))
            .retryReads(false)
            .retryWrites(false)
            .applyToClusterSettings(b -> b.serverSelectionTimeout(1, TimeUnit.SECONDS))
            .applyToSocketSettings(
                b ->
                    b.connectTimeout(1, TimeUnit.SECONDS)
                        .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
            .build());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Member m : members) {
      m.close();
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs (or ran) and finds the set closed.
      }
    }
    if (keepDir) {
      log("member data and logs kept under " + root);
    } else {
      ServerProcess.deleteRecursively(root);
    }
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void log(String message) {
    System.err.println("[replbench] " + message);
  }
}
