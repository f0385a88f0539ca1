package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterDnsTest {
  @Test
  void coreDnsServesOnlyTheClusterDomainFromTheApiServerWithoutCache() {
    String corefile = ClusterDns.corefile(Path.of("/w/.starling-local/admin.kubeconfig"));

    assertThat(corefile)
        .isEqualTo(
            """
            .:53 {
                bind 10.244.0.1
                errors
                health 127.0.0.1:8080
                ready 127.0.0.1:8181
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                    kubeconfig /w/.starling-local/admin.kubeconfig
                    pods insecure
                    ttl 1
                    fallthrough in-addr.arpa ip6.arpa
                }
            }
            """);
    assertThat(corefile).doesNotContain("cache").doesNotContain("forward");
  }

  @Test
  void resolvConfSearchesTheNamespaceFirstWithNdotsFive() {
    assertThat(ClusterDns.resolvConf("default"))
        .isEqualTo(
            """
            nameserver 10.244.0.1
            search default.svc.cluster.local svc.cluster.local cluster.local
            options ndots:5
            """);
  }
}
