package dev.starling.e2e.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packet-filter rules of {@code fault cut} and {@code fault isolate}, as iptables arguments to
 * run inside a pod's network namespace. Every rule carries the comment {@value #COMMENT}, which is
 * how {@code fault heal} finds them. Rules are inserted at the top of INPUT and OUTPUT, so the
 * order of the lists is the reverse of the order the rules end up in.
 */
final class FaultRules {
  static final String COMMENT = "starling-fault";

  private FaultRules() {}

  /**
   * Drop everything to and from {@code peerIp} (run in both pods' namespaces, each with the other's
   * IP).
   */
  static List<List<String>> cut(String peerIp) {
    return List.of(rule("INPUT", "-s", peerIp, "DROP"), rule("OUTPUT", "-d", peerIp, "DROP"));
  }

  /**
   * Drop all pod traffic except with the bridge address (API server, DNS, the kubelet's probes) and
   * the pod's own loopback traffic (a member talking to itself by its pod IP).
   */
  static List<List<String>> isolate() {
    return List.of(
        rule("INPUT", "-s", ClusterNetwork.POD_CIDR, "DROP"),
        rule("OUTPUT", "-d", ClusterNetwork.POD_CIDR, "DROP"),
        rule("INPUT", "-s", ClusterNetwork.GATEWAY, "ACCEPT"),
        rule("OUTPUT", "-d", ClusterNetwork.GATEWAY, "ACCEPT"),
        rule("INPUT", "-i", "lo", "ACCEPT"),
        rule("OUTPUT", "-o", "lo", "ACCEPT"));
  }

  /** The iptables arguments that delete each of our rules in {@code iptables -S} output. */
  static List<List<String>> heal(String iptablesS) {
    List<List<String>> deletes = new ArrayList<>();
    for (String line : iptablesS.split("\n")) {
      List<String> words = Arrays.asList(line.strip().split("\\s+"));
      if (words.size() > 1 && words.get(0).equals("-A") && words.contains(COMMENT)) {
        List<String> delete = new ArrayList<>(words);
        delete.set(0, "-D");
        deletes.add(delete);
      }
    }
    return deletes;
  }

  private static List<String> rule(String chain, String match, String value, String target) {
    return List.of(
        "-I", chain, "1", match, value, "-m", "comment", "--comment", COMMENT, "-j", target);
  }
}
