package dev.starling.e2e.local;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The supervisor's command line, written by {@code up} and read by {@link Supervisor}.
 *
 * @param hostNetns the network namespace the forwarder listens in ({@code /proc/<up pid>/ns/net})
 * @param watchPid end everything when this process is gone (the attached {@code up}); 0: never
 */
record SupervisorOptions(
    Path checkout, Path bin, int apiPort, int nodes, String hostNetns, long watchPid) {

  List<String> toArgs() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--checkout", checkout.toString(),
                "--bin", bin.toString(),
                "--api-port", Integer.toString(apiPort),
                "--nodes", Integer.toString(nodes),
                "--host-netns", hostNetns));
    if (watchPid > 0) {
      args.addAll(List.of("--watch-pid", Long.toString(watchPid)));
    }
    return args;
  }

  static SupervisorOptions parse(List<String> args) {
    Path checkout = null;
    Path bin = null;
    Integer apiPort = null;
    int nodes = 0;
    String hostNetns = null;
    long watchPid = 0;
    ArrayDeque<String> in = new ArrayDeque<>(args);
    while (!in.isEmpty()) {
      String arg = in.poll();
      String value = in.poll();
      if (value == null) {
        throw new LocalException("supervisor: " + arg + " needs a value");
      }
      try {
        switch (arg) {
          case "--checkout" -> checkout = Path.of(value);
          case "--bin" -> bin = Path.of(value);
          case "--api-port" -> apiPort = Integer.parseInt(value);
          case "--nodes" -> nodes = Integer.parseInt(value);
          case "--host-netns" -> hostNetns = value;
          case "--watch-pid" -> watchPid = Long.parseLong(value);
          default -> throw new LocalException("supervisor: unknown argument " + arg);
        }
      } catch (NumberFormatException e) {
        throw new LocalException("supervisor: " + arg + " needs a number, not '" + value + "'");
      }
    }
    if (checkout == null || bin == null || apiPort == null || hostNetns == null) {
      throw new LocalException(
          "supervisor: --checkout, --bin, --api-port and --host-netns are required");
    }
    return new SupervisorOptions(checkout, bin, apiPort, nodes, hostNetns, watchPid);
  }
}
