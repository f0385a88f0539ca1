package dev.starling.e2e.local;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The flags of {@code up}.
 *
 * @param detach exit once everything is ready, leaving it running
 * @param example apply the 3-member example from manifests/examples/
 * @param nodes how many Nodes the process kubelet registers
 */
record UpOptions(boolean detach, boolean example, int nodes) {
  static final int DEFAULT_NODES = 3;
  static final int MAX_NODES = 50;

  static UpOptions parse(List<String> args) {
    boolean detach = false;
    boolean example = true;
    int nodes = DEFAULT_NODES;
    ArrayDeque<String> in = new ArrayDeque<>(args);
    while (!in.isEmpty()) {
      String arg = in.poll();
      if (arg.equals("--detach")) {
        detach = true;
      } else if (arg.equals("--no-example")) {
        example = false;
      } else if (arg.equals("--nodes") || arg.startsWith("--nodes=")) {
        String value = arg.equals("--nodes") ? in.poll() : arg.substring("--nodes=".length());
        if (value == null) {
          throw new LocalException("up: --nodes needs a number");
        }
        nodes = nodes(value);
      } else {
        throw new LocalException(
            "up: unknown argument '" + arg + "' (usage: up [--detach] [--no-example] [--nodes N])");
      }
    }
    return new UpOptions(detach, example, nodes);
  }

  private static int nodes(String value) {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new LocalException("up: --nodes needs a whole number, not '" + value + "'");
    }
    if (n < 0 || n > MAX_NODES) {
      throw new LocalException("up: --nodes must be between 0 and " + MAX_NODES);
    }
    return n;
  }
}
