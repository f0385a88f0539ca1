package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KubeletOptionsTest {

  private static final String[] REQUIRED = {
    "--kubeconfig",
    "/s/admin.kubeconfig",
    "--state-dir",
    "/s/kubelet",
    "--netns-prefix",
    "stl-0123abcd-",
    "--cni-bin",
    "/bin/cni",
    "--api-port",
    "6443",
    "--tls-cert",
    "/s/pki/kubelet.crt",
    "--tls-key=/s/pki/kubelet.key",
    "--checkout",
    "/work"
  };

  @Test
  void defaultsFollowTheDesign() {
    KubeletOptions o = KubeletOptions.parse(REQUIRED);
    assertThat(o.nodes()).isEqualTo(3);
    assertThat(o.nodeNames()).containsExactly("local-1", "local-2", "local-3");
    assertThat(o.clusterDns()).isEqualTo("10.244.0.1");
    assertThat(o.address()).isEqualTo("10.244.0.1");
    assertThat(o.apiHost()).isEqualTo("10.244.0.1");
    assertThat(o.tlsKey()).isEqualTo(Path.of("/s/pki/kubelet.key"));
    assertThat(o.imageTable()).isEmpty();
    assertThat(o.caCert()).isEmpty();
  }

  @Test
  void nodesGetZonesInTurnAndTheirOwnPorts() {
    KubeletOptions o = KubeletOptions.parse(REQUIRED);
    assertThat(o.zone(1)).isEqualTo("a");
    assertThat(o.zone(3)).isEqualTo("c");
    assertThat(o.zone(4)).isEqualTo("a");
    assertThat(o.kubeletPort(1)).isEqualTo(10250);
    assertThat(o.kubeletPort(3)).isEqualTo(10252);
  }

  @Test
  void rejectsUnknownAndMissingArguments() {
    assertThatThrownBy(() -> KubeletOptions.parse("--bogus", "1"))
        .hasMessage("unknown argument: --bogus");
    assertThatThrownBy(() -> KubeletOptions.parse("--nodes", "2"))
        .hasMessage("--kubeconfig is required");
  }
}
