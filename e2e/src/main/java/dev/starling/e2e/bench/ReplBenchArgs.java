package dev.starling.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The command-line options the replica-set benchmarks share (the jar, JVM options, startup timeout,
 * keeping the member directories) and the helpers both use to parse their own and to describe the
 * run in the report.
 */
final class ReplBenchArgs {

  static final String COMMON_USAGE =
      """
        --jar PATH           the starling-node jar (default: system property starling.node.jar,
                             else node-image/target/starling-node.jar under the repository root)
        --jvm-arg ARG        extra JVM option for every member (repeatable), e.g. -Xmx512m
        --startup-timeout N  seconds to wait for a started member to answer ping (1-600, default 60)
        --keep-dir           keep the members' data and logs (the path is printed at the end)
        --help               this text
      """;

  /** Handles one benchmark-specific option; returns false if {@code arg} is not one of them. */
  @FunctionalInterface
  interface Own {
    boolean accept(String arg, Supplier<String> value);
  }

  Path jar;
  final List<String> jvmArgs = new ArrayList<>();
  int startupTimeoutSeconds = 60;
  boolean keepDir;
  boolean help;

  /** Parses the shared options, handing every other one to {@code own}. */
  static ReplBenchArgs parse(String[] args, Own own) {
    ReplBenchArgs o = new ReplBenchArgs();
    CommandLineArgs.parse(
        args,
        (arg, value) -> {
          switch (arg) {
            case "--help", "-h" -> o.help = true;
            case "--jar" -> o.jar = Path.of(value.get());
            case "--jvm-arg" -> o.jvmArgs.add(value.get());
            case "--startup-timeout" -> o.startupTimeoutSeconds = number(arg, value.get(), 1, 600);
            case "--keep-dir" -> o.keepDir = true;
            default -> {
              return own.accept(arg, value);
            }
          }
          return true;
        });
    if (o.jar == null) {
      o.jar = CommandLineArgs.defaultNodeJar();
    }
    return o;
  }

  /** The parsed options, or (args null) the exit code: 0 after --help, 2 for a bad option. */
  record Parsed(ReplBenchArgs args, int exitCode) {}

  /**
   * Parses as {@link #parse}; on a bad option prints the error and {@code usage} to stderr, on
   * --help prints {@code usage}, and in both cases returns no args and the exit code.
   */
  static Parsed parseOrUsage(String program, String usage, String[] args, Own own) {
    ReplBenchArgs parsed;
    try {
      parsed = parse(args, own);
    } catch (IllegalArgumentException e) {
      System.err.println(program + ": " + e.getMessage());
      System.err.print(usage);
      return new Parsed(null, 2);
    }
    if (parsed.help) {
      System.out.print(usage);
      return new Parsed(null, 0);
    }
    return new Parsed(parsed, 0);
  }

  static int number(String option, String value, int min, int max) {
    return CommandLineArgs.number(option, value, min, max);
  }

  /** The command that ran this benchmark, in the form the class comments give, for the report. */
  static String commandLine(Class<?> main, String[] args) {
    String shown =
        Arrays.stream(args).map(ReplBenchArgs::shellQuote).collect(Collectors.joining(" "));
    return "\"$JAVA_HOME\"/bin/java -cp \"$(cat e2e/target/classpath.txt)\":e2e/target/classes "
        + main.getName()
        + (shown.isEmpty() ? "" : " " + shown);
  }

  private static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** The machine line of NodeBenchmark plus the load average when the run started. */
  static String machine() {
    String load = "";
    try {
      String[] parts =
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).strip().split("\\s+");
      load = "; load average at start " + parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      // Not Linux: leave it out.
    }
    return NodeBenchmark.machine() + load;
  }

  /** Nearest-rank percentile of a sorted array (p in 0..100); the arrays here are small. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
