package dev.starling.e2e.bench;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's peer: mongo-java-server with its in-memory backend, listening on 127.0.0.1, in
 * its own JVM like starling-node. Runs until killed.
 *
 * <p>Usage: {@code PeerServer <port> [--parent-pid PID]} (or {@code --port P}). With {@code
 * --parent-pid} the server also exits when that process ends, so a peer started by a benchmark that
 * was killed with SIGKILL does not outlive it.
 */
public final class PeerServer {

  /** Printed on stdout once the port is bound. */
  static final String READY_LINE = "PeerServer listening on ";

  private PeerServer() {}

  public static void main(String[] args) throws InterruptedException {
    Integer port = null;
    Long parentPid = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--parent-pid" -> parentPid = Long.parseLong(value(args, ++i, "--parent-pid"));
        default -> {
          if (port == null && args[i].matches("\\d+")) {
            port = Integer.parseInt(args[i]);
          } else {
            usage("unknown argument: " + args[i]);
          }
        }
      }
    }
    if (port == null || port < 0 || port > 65535) {
      usage("a port is required");
    }

    MongoServer server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    server.bind("127.0.0.1", port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "peer-shutdown"));
    System.out.println(READY_LINE + "127.0.0.1:" + server.getLocalAddress().getPort());
    System.out.flush();

    if (parentPid != null) {
      ProcessHandle.of(parentPid)
          .ifPresentOrElse(
              parent -> parent.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    }
    new CountDownLatch(1).await();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      usage(option + " needs a value");
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println("PeerServer: " + problem);
    System.err.println("usage: PeerServer <port> [--parent-pid PID]");
    System.exit(2);
  }
}
