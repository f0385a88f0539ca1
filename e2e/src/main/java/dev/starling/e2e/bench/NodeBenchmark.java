package dev.starling.e2e.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The node benchmark: a load generator (Java sync driver) that starts starling-node and the peer
 * (mongo-java-server, in-memory backend, see {@link PeerServer}) as processes of their own, runs
 * the same workloads against both and prints a Markdown table for BENCHMARKS.md on stdout (progress
 * goes to stderr).
 *
 * <p>Run it from the repository root, with the project's JDK (the {@code java} on PATH may be
 * older; the servers are started with the same JVM as the benchmark):
 *
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 &amp;&amp; mvn -q -pl node-image,e2e -am package -DskipTests &amp;&amp; "$JAVA_HOME"/bin/java -cp "$(cat e2e/target/classpath.txt)":e2e/target/classes dev.starling.e2e.bench.NodeBenchmark --seconds 10
 * </pre>
 *
 * <p>A full run (default 10 s + 3 s warm-up per phase, 10 phases) takes about three minutes.
 *
 * <p>Without a starling-node jar, {@code --target peer-only} checks the harness with a second
 * PeerServer in starling's place, and {@code --starling-uri mongodb://...} points the starling side
 * at any running server. {@code --help} lists every option.
 *
 * <p>Workloads, each with a warm-up before the measured phase; the order of the two servers
 * alternates from one workload to the next:
 *
 * <ul>
 *   <li>single-document inserts, w:1, 1 thread and N threads (default 16);
 *   <li>starling only: the same inserts with j:true;
 *   <li>finds by _id of random preloaded documents, N threads;
 *   <li>an indexed range query {@code {n: {$gte: x, $lt: x + 10}}}, fully iterated and checked
 *       against the expected count, N threads.
 * </ul>
 *
 * <p>Exit codes: 0 all passed; 1 a server failed to start or died, or a workload failed; 2 bad
 * arguments; 3 the run overran its own time bound.
 */
public final class NodeBenchmark {

  private static final String DB = "bench";
  private static final String POINTS = "points";
  private static final int RANGE_WIDTH = 10;

  /** One workload. {@code starlingOnly} ones show n/a for the peer. */
  private record Workload(
      String id, String title, int threads, boolean starlingOnly, Kind kind, WriteConcern wc) {}

  private enum Kind {
    INSERT,
    FIND_ID,
    FIND_RANGE
  }

  /** One server under load, with the client the benchmark uses for it. */
  private static final class Side implements AutoCloseable {
    final String label;
    final ServerProcess server;
    final MongoClient client;
    final MongoDatabase db;
    OptionalLong idleRssKib = OptionalLong.empty();
    boolean preloaded;
    boolean indexed;

    Side(String label, ServerProcess server, int threads) {
      this.label = label;
      this.server = server;
      this.client =
          MongoClients.create(
              MongoClientSettings.builder()
                  .applyConnectionString(new ConnectionString(server.uri()))
                  .retryWrites(false)
                  .retryReads(false)
                  .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
                  .applyToSocketSettings(
                      b -> b.connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS))
                  .applyToConnectionPoolSettings(b -> b.maxSize(Math.max(100, threads + 4)))
                  .build());
      this.db = client.getDatabase(DB);
    }

    String version() {
      try {
        Object v =
            client.getDatabase("admin").runCommand(new Document("buildInfo", 1)).get("version");
        return v == null ? "?" : v.toString();
      } catch (RuntimeException e) {
        return "?";
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /** The documents preloaded into both servers for the find workloads, the same for both. */
  private static final class Dataset {
    final List<Document> docs;
    final ObjectId[] ids;
    final int[] sortedN;

    Dataset(int size) {
      Random random = new Random(20240601L);
      docs = new ArrayList<>(size);
      ids = new ObjectId[size];
      sortedN = new int[size];
      for (int i = 0; i < size; i++) {
        ObjectId id = new ObjectId();
        int n = random.nextInt(size);
        ids[i] = id;
        sortedN[i] = n;
        docs.add(doc(id, i, n));
      }
      Arrays.sort(sortedN);
    }

    /** How many documents have lo &lt;= n &lt; hi. */
    int countInRange(int lo, int hi) {
      return lowerBound(hi) - lowerBound(lo);
    }

    private int lowerBound(int value) {
      int lo = 0;
      int hi = sortedN.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sortedN[mid] < value) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  private final BenchOptions options;
  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<Side> sides = new ArrayList<>();
  private Dataset dataset;

  private NodeBenchmark(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (BenchmarkException e) {
      System.err.println();
      System.err.println("NodeBenchmark FAILED: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  private static List<Workload> workloads(int threads) {
    WriteConcern journaled = WriteConcern.W1.withJournal(true);
    return List.of(
        new Workload("insert-1", "insert w:1, 1 thread", 1, false, Kind.INSERT, WriteConcern.W1),
        new Workload(
            "insert-n",
            "insert w:1, " + threads + " threads",
            threads,
            false,
            Kind.INSERT,
            WriteConcern.W1),
        new Workload("insert-j-1", "insert w:1 j:true, 1 thread", 1, true, Kind.INSERT, journaled),
        new Workload(
            "insert-j-n",
            "insert w:1 j:true, " + threads + " threads",
            threads,
            true,
            Kind.INSERT,
            journaled),
        new Workload(
            "find-id",
            "find by _id, " + threads + " threads",
            threads,
            false,
            Kind.FIND_ID,
            WriteConcern.W1),
        new Workload(
            "find-range",
            "indexed range find (n in [x, x+" + RANGE_WIDTH + ")), " + threads + " threads",
            threads,
            false,
            Kind.FIND_RANGE,
            WriteConcern.W1));
  }

  static int run(String[] args) throws BenchmarkException {
    Map<String, Workload> known = new LinkedHashMap<>();
    for (Workload w : workloads(16)) {
      known.put(w.id(), w);
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, known.keySet());
    } catch (IllegalArgumentException e) {
      System.err.println("NodeBenchmark: " + e.getMessage());
      System.err.print(BenchOptions.USAGE.formatted(String.join(", ", known.keySet())));
      return 2;
    }
    if (options.help) {
      System.out.print(BenchOptions.USAGE.formatted(String.join(", ", known.keySet())));
      return 0;
    }
    NodeBenchmark benchmark = new NodeBenchmark(options);
    Thread cleanup = new Thread(benchmark::closeAll, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    startWatchdog(options);
    try {
      return benchmark.runAll();
    } finally {
      benchmark.closeAll();
    }
  }

  /** Ends the JVM (and so, through the shutdown hook, both servers) if the run overruns. */
  private static void startWatchdog(BenchOptions o) {
    long perPhase = o.warmupSeconds + o.seconds + 2 * LoadPhase.GRACE.toSeconds();
    long budget = 2L * o.startupTimeoutSeconds + 2 * 600 + 12 * perPhase + 120;
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(Duration.ofSeconds(budget));
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "NodeBenchmark: watchdog: the run overran its bound of "
                      + budget
                      + " s; exiting");
              System.exit(3);
            },
            "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private int runAll() throws BenchmarkException {
    String java = ProcessHandle.current().info().command().orElse(javaFromHome());
    Side starling = startStarling(java);
    Side peer = startPeer(java);

    List<Workload> selected =
        workloads(options.threads).stream()
            .filter(w -> options.workloads.contains(w.id()))
            .toList();
    warmClient(starling, peer);
    MarkdownReport report = new MarkdownReport();
    boolean allOk = true;
    int alternation = 0;
    for (Workload w : selected) {
      PhaseResult onStarling;
      PhaseResult onPeer = null;
      if (w.starlingOnly()) {
        onStarling = runWorkload(w, starling);
      } else if (alternation++ % 2 == 0) {
        onStarling = runWorkload(w, starling);
        onPeer = runWorkload(w, peer);
      } else {
        onPeer = runWorkload(w, peer);
        onStarling = runWorkload(w, starling);
      }
      allOk &= onStarling.ok() && (onPeer == null || onPeer.ok());
      report.row(new MarkdownReport.Row(w.title(), onStarling, onPeer));
    }

    for (Side side : List.of(starling, peer)) {
      side.server.checkAlive();
    }
    describeRun(report, starling, peer);
    for (Side side : List.of(starling, peer)) {
      report.memory(
          new MarkdownReport.Memory(
              side.label + " (" + rssName(side) + ")",
              side.idleRssKib,
              side.server.rssKib(),
              side.server.peakRssKib()));
    }
    System.out.println();
    System.out.print(report.render());
    System.out.flush();
    if (!allOk) {
      System.err.println("NodeBenchmark: some workloads FAILED; see the notes under the table.");
    }
    return allOk ? 0 : 1;
  }

  private static String rssName(Side side) {
    return side.server.isChild() ? "pid " + side.server.pid().getAsLong() : "external";
  }

  private Side startStarling(String java) throws BenchmarkException {
    if (options.starlingUri != null) {
      return connect("starling", ServerProcess.external("starling", options.starlingUri));
    }
    if (options.peerOnly) {
      return connect("starling", startPeerProcess(java, "starling (PeerServer stand-in)"));
    }
    Path jar = options.jar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new BenchmarkException(
          "starling-node jar not found at "
              + jar
              + "\nBuild it with: mvn -q -pl node-image -am package -DskipTests"
              + "\n(or pass --jar PATH, --starling-uri mongodb://..., or --target peer-only)");
    }
    try {
      int port = ServerProcess.freePort();
      Path workDir = Files.createTempDirectory("starling-bench-node-");
      Path dbPath = Files.createDirectory(workDir.resolve("db"));
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(options.jvmArgs);
      command.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "--port",
              Integer.toString(port),
              "--dbpath",
              dbPath.toString()));
      log("starting starling-node: " + String.join(" ", command));
      return connect(
          "starling", register(ServerProcess.start("starling-node", command, port, workDir)));
    } catch (IOException e) {
      throw new BenchmarkException("could not start starling-node: " + e, e);
    }
  }

  private Side startPeer(String java) throws BenchmarkException {
    if (options.peerUri != null) {
      return connect("peer", ServerProcess.external("peer", options.peerUri));
    }
    return connect("peer", startPeerProcess(java, "peer"));
  }

  private ServerProcess startPeerProcess(String java, String name) throws BenchmarkException {
    try {
      int port = ServerProcess.freePort();
      Path workDir = Files.createTempDirectory("starling-bench-peer-");
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(options.jvmArgs);
      command.addAll(
          List.of(
              "-cp",
              absoluteClassPath(),
              PeerServer.class.getName(),
              Integer.toString(port),
              "--parent-pid",
              Long.toString(ProcessHandle.current().pid())));
      log("starting " + name + " (PeerServer) on port " + port);
      return register(ServerProcess.start(name, command, port, workDir));
    } catch (IOException e) {
      throw new BenchmarkException("could not start " + name + ": " + e, e);
    }
  }

  /** Our class path with every entry made absolute: the server runs in its own directory. */
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private synchronized ServerProcess register(ServerProcess server) {
    servers.add(server);
    return server;
  }

  private Side connect(String label, ServerProcess server) throws BenchmarkException {
    long t0 = System.nanoTime();
    server.awaitReady(Duration.ofSeconds(options.startupTimeoutSeconds));
    log(
        server.name()
            + " answers ping at "
            + server.uri()
            + String.format(Locale.ROOT, " after %.1f s", (System.nanoTime() - t0) / 1e9));
    Side side = new Side(label, server, options.threads);
    synchronized (this) {
      sides.add(side);
    }
    if (server.isChild()) {
      sleepSeconds(1); // let startup work settle before reading the idle RSS
      side.idleRssKib = server.rssKib();
      log(server.name() + " idle RSS: " + MarkdownReport.mib(side.idleRssKib));
    }
    return side;
  }

  /**
   * Warms the benchmark's own JVM (driver, encoders, the load loop) on both servers before the
   * first measured phase, so that the first workload does not favour whichever server runs second.
   */
  private void warmClient(Side starling, Side peer) throws BenchmarkException {
    if (options.warmupSeconds == 0) {
      return;
    }
    Workload warm =
        new Workload("client-warmup", "client warm-up", 1, false, Kind.INSERT, WriteConcern.W1);
    for (Side side : List.of(starling, peer)) {
      log(side.label + ": client warm-up " + options.warmupSeconds + " s");
      try {
        PhaseResult r =
            LoadPhase.run(
                warm.id(), 1, Duration.ofSeconds(options.warmupSeconds), prepare(warm, side));
        if (!r.ok()) {
          log(side.label + ": client warm-up failed (the workloads will tell): " + r.error());
        }
      } catch (RuntimeException e) {
        log(side.label + ": client warm-up failed (the workloads will tell): " + e);
      }
      side.server.checkAlive();
      cleanup(warm, side);
    }
  }

  private PhaseResult runWorkload(Workload w, Side side) throws BenchmarkException {
    side.server.checkAlive();
    String what = side.label + " | " + w.title();
    LoadPhase.OpFactory factory;
    try {
      factory = prepare(w, side);
    } catch (RuntimeException e) {
      log(what + ": setup FAILED: " + e);
      side.server.checkAlive();
      return PhaseResult.failed("setup: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    PhaseResult result;
    if (options.warmupSeconds > 0) {
      log(what + ": warm-up " + options.warmupSeconds + " s");
      PhaseResult warmup =
          LoadPhase.run(w.id(), w.threads(), Duration.ofSeconds(options.warmupSeconds), factory);
      if (!warmup.ok()) {
        side.server.checkAlive();
        log(what + ": warm-up FAILED: " + warmup.error());
        cleanup(w, side);
        return PhaseResult.failed("warm-up: " + warmup.error());
      }
    }
    log(what + ": measuring " + options.seconds + " s");
    result = LoadPhase.run(w.id(), w.threads(), Duration.ofSeconds(options.seconds), factory);
    side.server.checkAlive();
    if (result.ok()) {
      log(
          String.format(
              Locale.ROOT,
              "%s: %,.0f ops/s, p50 %s ms, p99 %s ms (%,d ops)",
              what,
              result.opsPerSecond(),
              MarkdownReport.millis(result.p50Nanos()),
              MarkdownReport.millis(result.p99Nanos()),
              result.ops()));
    } else {
      log(what + ": FAILED: " + result.error());
    }
    cleanup(w, side);
    return result;
  }

  /** Creates what the workload needs on the server and returns its operation. */
  private LoadPhase.OpFactory prepare(Workload w, Side side) {
    return switch (w.kind()) {
      case INSERT -> {
        MongoCollection<Document> coll =
            side.db.getCollection(collectionName(w)).withWriteConcern(w.wc());
        coll.drop();
        AtomicLong counter = new AtomicLong();
        yield thread ->
            () -> {
              long i = counter.getAndIncrement();
              Document doc = doc(new ObjectId(), i, ThreadLocalRandom.current().nextInt(1_000_000));
              if (!coll.insertOne(doc).wasAcknowledged()) {
                throw new IllegalStateException("insert not acknowledged");
              }
            };
      }
      case FIND_ID -> {
        preload(side);
        MongoCollection<Document> coll = side.db.getCollection(POINTS);
        ObjectId[] ids = dataset.ids;
        yield thread ->
            () -> {
              ObjectId id = ids[ThreadLocalRandom.current().nextInt(ids.length)];
              Document found = coll.find(Filters.eq("_id", id)).first();
              if (found == null || !id.equals(found.get("_id"))) {
                throw new IllegalStateException("find by _id " + id + " returned " + found);
              }
            };
      }
      case FIND_RANGE -> {
        preload(side);
        MongoCollection<Document> coll = side.db.getCollection(POINTS);
        if (!side.indexed) {
          long t0 = System.nanoTime();
          coll.createIndex(Indexes.ascending("n"));
          side.indexed = true;
          log(
              String.format(
                  Locale.ROOT,
                  "%s: createIndex({n: 1}) took %.1f s",
                  side.label,
                  (System.nanoTime() - t0) / 1e9));
        }
        Dataset data = dataset;
        int bound = options.preload - RANGE_WIDTH;
        yield thread ->
            () -> {
              int x = ThreadLocalRandom.current().nextInt(bound);
              int count = 0;
              try (MongoCursor<Document> cursor =
                  coll.find(Filters.and(Filters.gte("n", x), Filters.lt("n", x + RANGE_WIDTH)))
                      .iterator()) {
                while (cursor.hasNext()) {
                  cursor.next();
                  count++;
                }
              }
              int expected = data.countInRange(x, x + RANGE_WIDTH);
              if (count != expected) {
                throw new IllegalStateException(
                    "range ["
                        + x
                        + ", "
                        + (x + RANGE_WIDTH)
                        + ") returned "
                        + count
                        + " documents, expected "
                        + expected);
              }
            };
      }
    };
  }

  /** Drops what an insert workload wrote, so later phases see the same data size on both sides. */
  private void cleanup(Workload w, Side side) {
    if (w.kind() != Kind.INSERT) {
      return;
    }
    try {
      side.db.getCollection(collectionName(w)).drop();
    } catch (RuntimeException e) {
      log(side.label + ": dropping " + collectionName(w) + " failed (ignored): " + e.getMessage());
    }
  }

  private static String collectionName(Workload w) {
    return "insert_" + w.id().replace('-', '_');
  }

  private void preload(Side side) {
    if (side.preloaded) {
      return;
    }
    if (dataset == null) {
      dataset = new Dataset(options.preload);
    }
    long t0 = System.nanoTime();
    MongoCollection<Document> coll = side.db.getCollection(POINTS);
    coll.drop();
    List<Document> docs = dataset.docs;
    for (int from = 0; from < docs.size(); from += 1000) {
      coll.insertMany(docs.subList(from, Math.min(docs.size(), from + 1000)));
    }
    long count = coll.countDocuments();
    if (count != docs.size()) {
      throw new IllegalStateException(
          "preloaded " + docs.size() + " documents but the collection counts " + count);
    }
    side.preloaded = true;
    log(
        String.format(
            Locale.ROOT,
            "%s: preloaded %,d documents in %.1f s",
            side.label,
            docs.size(),
            (System.nanoTime() - t0) / 1e9));
  }

  private static Document doc(ObjectId id, long i, int n) {
    return new Document("_id", id).append("i", i).append("name", "name-" + i).append("n", n);
  }

  private void describeRun(MarkdownReport report, Side starling, Side peer) {
    report.headerLine("### Node benchmark, " + LocalDate.now());
    report.headerLine("");
    report.headerLine("- Machine: " + machine());
    report.headerLine(
        "- Starling side: "
            + describe(
                starling, options.startsStarlingJar() ? "starling-node " + jarName() : null));
    report.headerLine(
        "- Peer side: "
            + describe(peer, "mongo-java-server " + peerVersion() + ", memory backend"));
    report.headerLine(
        String.format(
            Locale.ROOT,
            "- Per phase: %d s warm-up, then %d s measured; closed loop, one sync-driver client per"
                + " server; %,d documents preloaded for the finds; small documents {_id: ObjectId,"
                + " i, name, n}%s",
            options.warmupSeconds,
            options.seconds,
            options.preload,
            options.jvmArgs.isEmpty()
                ? ""
                : "; server JVM options: " + String.join(" ", options.jvmArgs)));
  }

  private String describe(Side side, String what) {
    String where = side.server.isChild() ? "started by the benchmark" : side.server.uri();
    String name = what != null ? what : side.server.name();
    return name + " (buildInfo version " + side.version() + "; " + where + ")";
  }

  private String jarName() {
    return options.jar.getFileName().toString();
  }

  private static String peerVersion() {
    String v = de.bwaldvogel.mongo.MongoServer.class.getPackage().getImplementationVersion();
    if (v == null) {
      String cp = System.getProperty("java.class.path");
      var m = java.util.regex.Pattern.compile("mongo-java-server-(\\d[\\w.]*)\\.jar").matcher(cp);
      v = m.find() ? m.group(1) : "?";
    }
    return v;
  }

  /** The machine line: nproc, CPU, memory, OS and the Java that runs the benchmark and servers. */
  static String machine() {
    String nproc = command("nproc");
    if (nproc == null) {
      nproc = Integer.toString(Runtime.getRuntime().availableProcessors());
    }
    String cpu = procField(Path.of("/proc/cpuinfo"), "model name");
    String mem = procField(Path.of("/proc/meminfo"), "MemTotal");
    String memText = "";
    if (mem != null) {
      String kib = mem.replaceAll("[^0-9]", "");
      if (!kib.isEmpty()) {
        memText = String.format(Locale.ROOT, ", %.0f GiB RAM", Long.parseLong(kib) / 1048576.0);
      }
    }
    return "nproc "
        + nproc
        + (cpu == null ? "" : ", " + cpu)
        + memText
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + Runtime.version()
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")";
  }

  private static String procField(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(key)) {
          int colon = line.indexOf(':');
          return colon < 0 ? null : line.substring(colon + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: leave it out.
    }
    return null;
  }

  private static String command(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String javaFromHome() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Closes every client and kills every server started; safe to call more than once. */
  private void closeAll() {
    List<Side> toClose;
    List<ServerProcess> toKill;
    synchronized (this) {
      toClose = new ArrayList<>(sides);
      toKill = new ArrayList<>(servers);
      sides.clear();
      servers.clear();
    }
    for (Side side : toClose) {
      try {
        side.close();
      } catch (RuntimeException e) {
        // Closing a client of a dead server: nothing to do.
      }
    }
    for (ServerProcess server : toKill) {
      server.close();
    }
  }

  private static void sleepSeconds(int seconds) {
    try {
      Thread.sleep(Duration.ofSeconds(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void log(String message) {
    System.err.println("[bench] " + message);
  }
}
