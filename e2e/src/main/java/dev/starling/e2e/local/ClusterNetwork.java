package dev.starling.e2e.local;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's network namespace: loopback for the control plane's private ports, and the bridge
 * {@code cni0} with 10.244.0.1/16 that the API server, CoreDNS and the kubelet serve on and that
 * every pod's veth joins. Nothing of it is visible in the host namespace.
 */
final class ClusterNetwork {
  static final String BRIDGE = "cni0";
  static final String GATEWAY = "10.244.0.1";
  static final String POD_CIDR = "10.244.0.0/16";
  static final String SERVICE_CIDR = "10.96.0.0/16";

  /**
   * Ephemeral ports inside the namespace stay out of the API port range, so an outgoing connection
   * made before the API server binds can never take its port.
   */
  static final String LOCAL_PORT_RANGE = "40000 60999";

  private ClusterNetwork() {}

  static void create(String netns) {
    Shell.check("ip", "netns", "add", netns);
    Shell.check("ip", "-n", netns, "link", "set", "lo", "up");
    Shell.check("ip", "-n", netns, "link", "add", BRIDGE, "type", "bridge");
    Shell.check("ip", "-n", netns, "addr", "add", GATEWAY + "/16", "dev", BRIDGE);
    Shell.check("ip", "-n", netns, "link", "set", BRIDGE, "up");
    Shell.check("ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    Shell.check(
        "ip",
        "netns",
        "exec",
        netns,
        "sysctl",
        "-q",
        "-w",
        "net.ipv4.ip_local_port_range=" + LOCAL_PORT_RANGE);
  }

  /** Every network namespace {@code ip netns} knows by name. */
  static List<String> list() {
    List<String> names = new ArrayList<>();
    for (String line : Shell.check("ip", "netns", "list").split("\n")) {
      // "name (id: 3)" or just "name"
      String name = line.strip().split("\\s+")[0];
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  static boolean exists(String netns) {
    return list().contains(netns);
  }

  static void delete(String netns) {
    Shell.Result result = Shell.run(List.of("ip", "netns", "del", netns));
    if (!result.ok() && exists(netns)) {
      throw new LocalException(
          "ip netns del " + netns + " failed: " + Shell.lastLine(result.output()));
    }
  }

  /** The pids of the processes in {@code netns}. */
  static List<Long> pids(String netns) {
    Shell.Result result = Shell.run(List.of("ip", "netns", "pids", netns));
    List<Long> pids = new ArrayList<>();
    if (result.ok()) {
      for (String line : result.output().split("\n")) {
        if (line.strip().matches("\\d+")) {
          pids.add(Long.parseLong(line.strip()));
        }
      }
    }
    return pids;
  }
}
