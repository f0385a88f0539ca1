package dev.starling.e2e.local;

import java.nio.file.Path;

/**
 * Cluster DNS: CoreDNS on the bridge address serving {@code cluster.local} from the API server with
 * no cache (TTL 1 s), so a test sees a pod's new address at once, and nothing else: no forwarding
 * out of the machine.
 */
final class ClusterDns {
  static final String ADDRESS = ClusterNetwork.GATEWAY;
  static final String DOMAIN = "cluster.local";
  static final int HEALTH_PORT = 8080;
  static final int READY_PORT = 8181;

  private ClusterDns() {}

  static String corefile(Path kubeconfig) {
    return """
    .:53 {
        bind %s
        errors
        health 127.0.0.1:%d
        ready 127.0.0.1:%d
        kubernetes %s in-addr.arpa ip6.arpa {
            kubeconfig %s
            pods insecure
            ttl 1
            fallthrough in-addr.arpa ip6.arpa
        }
    }
    """
        .formatted(ADDRESS, HEALTH_PORT, READY_PORT, DOMAIN, kubeconfig);
  }

  /** What a process in {@code namespace} of the cluster sees as {@code /etc/resolv.conf}. */
  static String resolvConf(String namespace) {
    return """
    nameserver %1$s
    search %2$s.svc.%3$s svc.%3$s %3$s
    options ndots:5
    """
        .formatted(ADDRESS, namespace, DOMAIN);
  }
}
