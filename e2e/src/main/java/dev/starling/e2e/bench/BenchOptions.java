package dev.starling.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The benchmark's command line. Every number is bounded so that a run always ends by itself. */
final class BenchOptions {

  static final String USAGE =
      """
      usage: NodeBenchmark [options]
        --seconds N          measured seconds per phase (1-600, default 10)
        --warmup N           warm-up seconds before each measured phase (0-120, default seconds/3, at least 1)
        --threads N          client threads of the multi-threaded workloads (1-256, default 16)
        --preload N          documents preloaded for the find workloads (1000-2000000, default 100000)
        --jar PATH           the starling-node jar (default: system property starling.node.jar,
                             else node-image/target/starling-node.jar under the repository root)
        --target T           'both' (default): starling-node vs PeerServer;
                             'peer-only': a second PeerServer plays starling (checks the harness)
        --starling-uri URI   use a running server as the starling side instead of starting the jar
        --peer-uri URI       use a running server as the peer instead of starting PeerServer
        --workloads A,B      only these workloads (ids: %s)
        --jvm-arg ARG        extra JVM option for both started servers (repeatable), e.g. -Xmx1g
        --startup-timeout N  seconds to wait for a started server to answer ping (1-600, default 60)
        --help               this text
      """;

  int seconds = 10;
  int warmupSeconds = -1;
  int threads = 16;
  int preload = 100_000;
  Path jar;
  boolean peerOnly;
  String starlingUri;
  String peerUri;
  Set<String> workloads = new LinkedHashSet<>();
  List<String> jvmArgs = new ArrayList<>();
  int startupTimeoutSeconds = 60;
  boolean help;

  /** Parses {@code args}; throws IllegalArgumentException with a message for the user. */
  static BenchOptions parse(String[] args, Set<String> knownWorkloads) {
    BenchOptions o = new BenchOptions();
    CommandLineArgs.parse(
        args,
        (arg, value) -> {
          switch (arg) {
            case "--help", "-h" -> o.help = true;
            case "--seconds" -> o.seconds = number(arg, value.get(), 1, 600);
            case "--warmup" -> o.warmupSeconds = number(arg, value.get(), 0, 120);
            case "--threads" -> o.threads = number(arg, value.get(), 1, 256);
            case "--preload" -> o.preload = number(arg, value.get(), 1000, 2_000_000);
            case "--startup-timeout" -> o.startupTimeoutSeconds = number(arg, value.get(), 1, 600);
            case "--jar" -> o.jar = Path.of(value.get());
            case "--target" -> {
              String target = value.get();
              switch (target) {
                case "both" -> o.peerOnly = false;
                case "peer-only" -> o.peerOnly = true;
                default ->
                    throw new IllegalArgumentException(
                        "--target must be 'both' or 'peer-only', not '" + target + "'");
              }
            }
            case "--starling-uri" -> o.starlingUri = uri(arg, value.get());
            case "--peer-uri" -> o.peerUri = uri(arg, value.get());
            case "--jvm-arg" -> o.jvmArgs.add(value.get());
            case "--workloads" -> {
              for (String id : value.get().split(",")) {
                String trimmed = id.strip();
                if (!knownWorkloads.contains(trimmed)) {
                  throw new IllegalArgumentException(
                      "unknown workload '"
                          + trimmed
                          + "'; known: "
                          + String.join(", ", knownWorkloads));
                }
                o.workloads.add(trimmed);
              }
            }
            default -> {
              return false;
            }
          }
          return true;
        });
    if (o.peerOnly && o.starlingUri != null) {
      throw new IllegalArgumentException(
          "--target peer-only and --starling-uri exclude each other");
    }
    if (o.warmupSeconds < 0) {
      o.warmupSeconds = Math.max(1, o.seconds / 3);
    }
    if (o.workloads.isEmpty()) {
      o.workloads.addAll(knownWorkloads);
    }
    if (o.jar == null) {
      o.jar = CommandLineArgs.defaultNodeJar();
    }
    return o;
  }

  /** Whether the starling side is the starling-node jar started by the benchmark. */
  boolean startsStarlingJar() {
    return !peerOnly && starlingUri == null;
  }

  /**
   * The repository root: the nearest directory, from the working directory up, that holds
   * node-image/; the working directory if there is none.
   */
  static Path repoRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("node-image"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    return cwd;
  }

  private static int number(String option, String value, int min, int max) {
    return CommandLineArgs.number(option, value, min, max);
  }

  private static String uri(String option, String value) {
    if (!value.startsWith("mongodb://")) {
      throw new IllegalArgumentException(option + " needs a mongodb:// URI, not '" + value + "'");
    }
    return value;
  }
}
