package dev.starling.e2e.kubelet;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The process kubelet's command line, as the launcher passes it (see docs/LOCAL-CLUSTER.md). Both
 * {@code --name value} and {@code --name=value} are accepted.
 */
record KubeletOptions(
    Path kubeconfig,
    Path stateDir,
    int nodes,
    String netnsPrefix,
    Path cniBin,
    String clusterDns,
    String apiHost,
    int apiPort,
    Optional<Path> caCert,
    Path tlsCert,
    Path tlsKey,
    String address,
    Optional<Path> imageTable,
    Path checkout) {

  /** The first kubelet server port; node i listens on {@code FIRST_PORT + i - 1}. */
  static final int FIRST_PORT = 10250;

  private static final Set<String> KNOWN =
      Set.of(
          "--kubeconfig",
          "--state-dir",
          "--nodes",
          "--netns-prefix",
          "--cni-bin",
          "--cluster-dns",
          "--api-host",
          "--api-port",
          "--ca-cert",
          "--tls-cert",
          "--tls-key",
          "--address",
          "--image-table",
          "--checkout");

  private static final List<String> REQUIRED =
      List.of(
          "--kubeconfig",
          "--state-dir",
          "--netns-prefix",
          "--cni-bin",
          "--api-port",
          "--tls-cert",
          "--tls-key",
          "--checkout");

  static KubeletOptions parse(String... args) {
    Map<String, String> values = new HashMap<>();
    ArrayDeque<String> in = new ArrayDeque<>(List.of(args));
    while (!in.isEmpty()) {
      String arg = in.poll();
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      } else {
        if (!KNOWN.contains(arg)) {
          throw new IllegalArgumentException("unknown argument: " + arg);
        }
        if (in.isEmpty()) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        value = in.poll();
      }
      if (!KNOWN.contains(arg)) {
        throw new IllegalArgumentException("unknown argument: " + arg);
      }
      values.put(arg, value);
    }
    for (String required : REQUIRED) {
      if (!values.containsKey(required)) {
        throw new IllegalArgumentException(required + " is required");
      }
    }
    String address = values.getOrDefault("--address", "10.244.0.1");
    return new KubeletOptions(
        Path.of(values.get("--kubeconfig")),
        Path.of(values.get("--state-dir")).toAbsolutePath(),
        number("--nodes", values.getOrDefault("--nodes", "3"), 1, 100),
        values.get("--netns-prefix"),
        Path.of(values.get("--cni-bin")).toAbsolutePath(),
        values.getOrDefault("--cluster-dns", "10.244.0.1"),
        values.getOrDefault("--api-host", address),
        number("--api-port", values.get("--api-port"), 1, 65535),
        Optional.ofNullable(values.get("--ca-cert")).map(Path::of),
        Path.of(values.get("--tls-cert")),
        Path.of(values.get("--tls-key")),
        address,
        Optional.ofNullable(values.get("--image-table")).map(Path::of),
        Path.of(values.get("--checkout")).toAbsolutePath());
  }

  /** Node names are local-1 .. local-N. */
  String nodeName(int i) {
    return "local-" + i;
  }

  List<String> nodeNames() {
    return java.util.stream.IntStream.rangeClosed(1, nodes).mapToObj(this::nodeName).toList();
  }

  /** Zones cycle a, b, c so that spreading and anti-affinity across zones have something to do. */
  String zone(int i) {
    return String.valueOf((char) ('a' + (i - 1) % 3));
  }

  int kubeletPort(int i) {
    return FIRST_PORT + i - 1;
  }

  private static int number(String option, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, not '" + value + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(option + " must be between " + min + " and " + max);
    }
    return n;
  }
}
