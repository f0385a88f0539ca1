package dev.starling.node.server;

import dev.starling.node.command.CommandDispatcher;
import dev.starling.node.command.Commands;
import dev.starling.node.command.NodeServices;
import dev.starling.node.command.OpCounters;
import dev.starling.node.config.NodeOptions;
import dev.starling.node.config.OplogSize;
import dev.starling.node.config.OptionsException;
import dev.starling.node.config.ServerParameters;
import dev.starling.node.config.Usage;
import dev.starling.node.exec.CursorManager;
import dev.starling.node.repl.OplogTruncator;
import dev.starling.node.repl.OplogWriter;
import dev.starling.node.repl.Replication;
import dev.starling.node.repl.ReplicationCoordinator;
import dev.starling.node.repl.StandaloneReplication;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.storage.WriteObserver;
import dev.starling.node.util.Log;
import dev.starling.node.util.Version;
import dev.starling.node.wire.WireServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The starling-node process: parses flags, opens storage, serves the wire protocol and the health
 * port.
 */
public final class StarlingNode implements AutoCloseable {
  /** mongod's exit codes. */
  static final int EXIT_NET_ERROR = 48;

  static final int EXIT_DATA_DIR = 100;

  private final NodeOptions options;
  private final StorageEngine storage;
  private final OplogWriter oplog;
  private Replication replication = new StandaloneReplication();
  private OplogTruncator oplogTruncator;
  private final WireServer wire = new WireServer();
  private final ScheduledExecutorService housekeeping =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("housekeeping").factory());
  private HealthEndpoint health;
  private volatile boolean accepting;

  private StarlingNode(NodeOptions options, StorageEngine storage, OplogWriter oplog) {
    this.options = options;
    this.storage = storage;
    this.oplog = oplog;
  }

  /** Held so the setting is not lost when the logger is collected. */
  private static final java.util.logging.Logger DRIVER_LOG =
      java.util.logging.Logger.getLogger("org.mongodb.driver");

  private static final java.util.logging.Logger DRIVER_INTERNAL_LOG =
      java.util.logging.Logger.getLogger("com.mongodb");

  public static void main(String[] args) {
    widenVirtualThreadScheduler();
    shortenDnsCache();
    // The driver that carries node-to-node calls logs every connection at INFO; keep warnings.
    DRIVER_LOG.setLevel(java.util.logging.Level.SEVERE);
    DRIVER_INTERNAL_LOG.setLevel(java.util.logging.Level.SEVERE);
    NodeOptions options;
    try {
      options = NodeOptions.parse(args);
    } catch (OptionsException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    if (options.help) {
      System.out.println(Usage.TEXT);
      return;
    }
    if (options.version) {
      System.out.println("starling-node " + Version.STARLING + " (MongoDB 6.0.0 compatible)");
      return;
    }
    Log.quiet(options.quiet);
    try {
      StarlingNode node = start(options);
      Runnable stop =
          () -> {
            Log.info("received shutdown signal; shutting down");
            node.close();
            Runtime.getRuntime().halt(0);
          };
      Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().daemon(false).start(stop));
      Signal.handle(new Signal("INT"), signal -> Thread.ofPlatform().daemon(false).start(stop));
    } catch (OptionsException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
    }
  }

  /**
   * RocksDB calls are JNI calls, which pin a virtual thread to its carrier for their duration, so
   * with the JDK's default of one carrier per core a couple of slow storage calls stall every
   * connection. More carriers than cores keep connections moving (measured: 16-thread inserts went
   * from 0.68x to 1.03x of the peer with 4 carriers on 2 cores). An explicit {@code
   * -Djdk.virtualThreadScheduler.parallelism} wins.
   */
  /**
   * Members find each other by DNS name; in Kubernetes a restarted pod keeps its name but gets a
   * new address. The JVM would keep the old address for 30 s (and a failed lookup for 10 s), long
   * past the pod's return, so answers are kept 5 s and failures 1 s.
   */
  private static void shortenDnsCache() {
    java.security.Security.setProperty("networkaddress.cache.ttl", "5");
    java.security.Security.setProperty("networkaddress.cache.negative.ttl", "1");
  }

  private static void widenVirtualThreadScheduler() {
    if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
      int carriers = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
      System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(carriers));
    }
  }

  /** Starts a node; the caller owns it. */
  public static StarlingNode start(NodeOptions options) throws OptionsException {
    if (!Files.isDirectory(options.dbPath)) {
      throw new OptionsException(
          "Data directory "
              + options.dbPath
              + " not found. Create the missing directory or specify another path using the"
              + " --dbpath option.",
          EXIT_DATA_DIR);
    }
    OplogWriter oplog = options.replSetName != null ? new OplogWriter(Clock.systemUTC()) : null;
    StorageEngine storage;
    try {
      storage = RocksStorageEngine.open(options.dbPath, oplog != null ? oplog : WriteObserver.NONE);
    } catch (IllegalStateException e) {
      throw new OptionsException(e.getMessage(), EXIT_DATA_DIR);
    }
    StarlingNode node = new StarlingNode(options, storage, oplog);
    try {
      node.serve();
    } catch (OptionsException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void serve() throws OptionsException {
    Clock clock = Clock.systemUTC();
    ServerParameters parameters = new ServerParameters(options);
    CursorManager cursors = new CursorManager(clock, parameters.cursorTimeoutMillis());
    String hostName = hostName();
    if (options.replSetName != null) {
      ReplicationCoordinator coordinator =
          new ReplicationCoordinator(
              options.replSetName,
              selfHosts(hostName),
              new LocalAddresses(options.port, options.bindIpAll, options.bindIps)::names,
              storage,
              oplog,
              new dev.starling.node.repl.OplogApplier(storage, oplog)::apply,
              options.dbPath,
              clock);
      replication = coordinator;
      // Counted before replication starts, so no entry arrives during the count.
      oplogTruncator =
          OplogTruncator.open(
              storage,
              oplog,
              clock,
              options.oplogSizeMB == null ? null : options.oplogSizeMB * OplogSize.MB,
              OplogSize.defaultBytes(freeDiskBytes()),
              options.oplogMinRetentionHours == null ? 0 : options.oplogMinRetentionHours);
      coordinator.start();
      oplogTruncator.start(() -> coordinator.snapshot().committed());
    }
    NodeServices services =
        new NodeServices(
            storage,
            cursors,
            options,
            parameters,
            wire.stats(),
            new OpCounters(),
            clock,
            clock.instant(),
            hostName,
            replication,
            oplogTruncator,
            new dev.starling.node.command.FailCommandPoint(),
            new dev.starling.node.session.LogicalSessions(
                java.time.Duration.ofMinutes(parameters.logicalSessionTimeoutMinutes())));
    List<InetSocketAddress> addresses = new ArrayList<>();
    List<InetSocketAddress> httpAddresses = new ArrayList<>();
    List<String> ips = options.bindIpAll ? List.of("0.0.0.0") : options.bindIps;
    for (String ip : ips) {
      addresses.add(new InetSocketAddress(ip, options.port));
      httpAddresses.add(new InetSocketAddress(ip, options.httpPort()));
    }
    try {
      wire.start(addresses, new CommandDispatcher(Commands.registry(), services));
    } catch (Exception e) {
      throw new OptionsException(
          "Failed to bind " + addresses + ": " + e.getMessage(), EXIT_NET_ERROR);
    }
    try {
      health =
          new HealthEndpoint(
              httpAddresses.get(0), services, () -> accepting && replication.ready());
      health.start();
    } catch (Exception e) {
      throw new OptionsException(
          "Failed to bind the HTTP port " + httpAddresses.get(0) + ": " + e.getMessage(),
          EXIT_NET_ERROR);
    }
    housekeeping.scheduleWithFixedDelay(cursors::reapIdle, 60, 60, TimeUnit.SECONDS);
    housekeeping.scheduleWithFixedDelay(
        () -> dev.starling.node.command.Sessions.reapExpired(services), 30, 30, TimeUnit.SECONDS);
    accepting = true;
    Log.info(
        "starling-node %s waiting for connections on %s (http %d, dbpath %s)",
        Version.STARLING, addresses, options.httpPort(), options.dbPath);
  }

  /** Free space of the dbpath's file system (mongod sizes the default oplog from it). */
  private long freeDiskBytes() {
    try {
      return Files.getFileStore(options.dbPath).getUsableSpace();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private String hostName() {
    if (!options.bindIpAll && options.bindIps.stream().allMatch(LocalAddresses::isLoopback)) {
      return "localhost";
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** The names this node answers to in a replica-set config, the default one first. */
  private List<String> selfHosts(String hostName) {
    List<String> hosts = new ArrayList<>();
    hosts.add(hostName + ":" + options.port);
    hosts.add("localhost:" + options.port);
    hosts.add("127.0.0.1:" + options.port);
    try {
      hosts.add(InetAddress.getLocalHost().getHostName() + ":" + options.port);
    } catch (UnknownHostException e) {
      // loopback names only
    }
    if (!options.bindIpAll) {
      options.bindIps.forEach(ip -> hosts.add(ip + ":" + options.port));
    }
    return hosts.stream().distinct().toList();
  }

  /** Stops serving, then flushes and closes storage. */
  @Override
  public synchronized void close() {
    accepting = false;
    // A primary hands over first, while secondaries can still fetch its last entries.
    replication.stepDownForShutdown(10_000);
    if (health != null) {
      health.close();
    }
    wire.close();
    housekeeping.shutdownNow();
    replication.close();
    if (oplogTruncator != null) {
      oplogTruncator.close();
    }
    storage.close();
    Log.info("shutdown complete");
  }
}
