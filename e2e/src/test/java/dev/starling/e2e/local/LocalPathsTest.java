package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalPathsTest {
  private final LocalPaths paths = new LocalPaths(Path.of("/work/main"), Path.of("/cache/bin"));

  @Test
  void theIdIsTheFirstEightHexDigitsOfTheSha256OfTheCheckoutPath() {
    // printf %s /work/main | sha256sum
    assertThat(paths.id()).isEqualTo("f2af6c09");
    assertThat(paths.netns()).isEqualTo("stl-f2af6c09");
    assertThat(paths.podNetnsPrefix()).isEqualTo("stl-f2af6c09-");
  }

  @Test
  void theIdIgnoresHowThePathIsSpelled() {
    assertThat(LocalPaths.idOf(Path.of("/work/./main/"))).isEqualTo(paths.id());
    assertThat(LocalPaths.idOf(Path.of("/work/other"))).isNotEqualTo(paths.id());
  }

  @Test
  void theClusterOwnsItsNamespaceAndItsPodsButNoOtherCheckouts() {
    assertThat(paths.ownsNetns("stl-f2af6c09")).isTrue();
    assertThat(paths.ownsNetns("stl-f2af6c09-1a2b3c4d")).isTrue();
    assertThat(paths.ownsNetns("stl-f2af6c099")).isFalse();
    assertThat(paths.ownsNetns("stl-00000000")).isFalse();
  }

  @Test
  void theStateLivesInTheCheckout() {
    assertThat(paths.state()).isEqualTo(Path.of("/work/main/.starling-local"));
    assertThat(paths.adminKubeconfig())
        .isEqualTo(Path.of("/work/main/.starling-local/admin.kubeconfig"));
    assertThat(paths.log("etcd")).isEqualTo(Path.of("/work/main/.starling-local/logs/etcd.log"));
    assertThat(paths.pod("shop", "orders-0"))
        .isEqualTo(Path.of("/work/main/.starling-local/kubelet/pods/shop_orders-0"));
    assertThat(paths.etcNetns()).isEqualTo(Path.of("/etc/netns/stl-f2af6c09"));
  }

  @Test
  void aCommandThatNeedsTheBinariesSaysSoWhenTheyAreUnknown() {
    assertThatThrownBy(() -> new LocalPaths(Path.of("/work/main"), null).tool("kubectl"))
        .isInstanceOf(LocalException.class)
        .hasMessageContaining("run e2e/starling-local up first");
  }
}
