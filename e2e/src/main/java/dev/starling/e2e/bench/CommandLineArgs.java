package dev.starling.e2e.bench;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/** What every benchmark's command line shares: {@code --name value} and {@code --name=value}. */
final class CommandLineArgs {
  /** Takes one option; {@code value} reads its value. Returns false for an unknown option. */
  interface Handler {
    boolean accept(String arg, Supplier<String> value);
  }

  private CommandLineArgs() {}

  /** Hands each option to {@code handler}; an unknown one is an IllegalArgumentException. */
  static void parse(String[] args, Handler handler) {
    ArrayDeque<String> in = new ArrayDeque<>(List.of(args));
    while (!in.isEmpty()) {
      String given = in.poll();
      int eq = given.indexOf('=');
      boolean hasInline = given.startsWith("--") && eq > 0;
      String arg = hasInline ? given.substring(0, eq) : given;
      String inline = hasInline ? given.substring(eq + 1) : null;
      Supplier<String> value =
          () -> {
            if (inline != null) {
              return inline;
            }
            if (in.isEmpty()) {
              throw new IllegalArgumentException(arg + " needs a value");
            }
            return in.poll();
          };
      if (!handler.accept(arg, value)) {
        throw new IllegalArgumentException("unknown argument: " + given);
      }
    }
  }

  /** A whole number option within {@code [min, max]} ({@code _} separators allowed). */
  static int number(String option, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, not '" + value + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(option + " must be between " + min + " and " + max);
    }
    return n;
  }

  /** The starling-node jar: {@code -Dstarling.node.jar}, else the build's output in this repo. */
  static Path defaultNodeJar() {
    String property = System.getProperty("starling.node.jar");
    return property != null && !property.isBlank()
        ? Path.of(property)
        : BenchOptions.repoRoot().resolve("node-image/target/starling-node.jar");
  }
}
