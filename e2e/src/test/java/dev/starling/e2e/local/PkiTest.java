package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.e2e.local.Pki.Leaf;
import org.junit.jupiter.api.Test;

class PkiTest {
  @Test
  void theApiServerCertificateNamesEveryAddressClientsUse() {
    Leaf apiServer = leaf("apiserver");

    assertThat(apiServer.altNames())
        .contains(
            "IP:127.0.0.1",
            "IP:10.244.0.1",
            "IP:10.96.0.1",
            "DNS:kubernetes",
            "DNS:kubernetes.default",
            "DNS:kubernetes.default.svc",
            "DNS:kubernetes.default.svc.cluster.local");
    assertThat(Pki.extensions(apiServer))
        .contains("extendedKeyUsage = serverAuth\n")
        .contains("subjectAltName = IP:127.0.0.1,IP:10.244.0.1,");
  }

  @Test
  void clientCertificatesCarryTheUsersKubernetesExpects() {
    assertThat(leaf("admin").subject()).isEqualTo("/O=system:masters/CN=admin");
    assertThat(leaf("controller-manager").subject())
        .isEqualTo("/CN=system:kube-controller-manager");
    assertThat(leaf("scheduler").subject()).isEqualTo("/CN=system:kube-scheduler");
    assertThat(leaf("apiserver-kubelet-client").subject()).startsWith("/O=system:masters/");
    assertThat(Pki.extensions(leaf("admin")))
        .contains("extendedKeyUsage = clientAuth\n")
        .doesNotContain("subjectAltName");
  }

  @Test
  void theKubeletServesOnTheBridgeAddress() {
    assertThat(leaf("kubelet").altNames()).contains("IP:10.244.0.1");
    assertThat(leaf("kubelet").extendedKeyUsage()).contains("serverAuth");
  }

  private static Leaf leaf(String name) {
    return Pki.LEAVES.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
  }
}
