package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class PodFilesTest {

  private static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .endMetadata()
        .withNewSpec()
        .endSpec();
  }

  @Test
  void hostsNamesThePodAndItsFqdnWhenItHasASubdomain() {
    Pod pod = pod("db-0").editSpec().withHostname("db-0").withSubdomain("db").endSpec().build();
    String hosts = PodFiles.hosts(pod, "10.244.1.3");
    assertThat(hosts).startsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n");
    assertThat(hosts).endsWith("10.244.1.3\tdb-0.db.shop.svc.cluster.local\tdb-0\n");
  }

  @Test
  void hostnameIsSpecHostnameOrThePodName() {
    assertThat(PodFiles.hostname(pod("web").build())).isEqualTo("web");
    assertThat(PodFiles.hostname(pod("web").editSpec().withHostname("h").endSpec().build()))
        .isEqualTo("h");
    assertThat(PodFiles.hosts(pod("web").build(), "10.244.1.4")).endsWith("10.244.1.4\tweb\n");
    assertThat(PodFiles.hostname(pod("a".repeat(70)).build())).hasSize(63);
  }

  @Test
  void resolvConfPointsAtClusterDnsWithTheNamespaceSearchPath() {
    assertThat(PodFiles.resolvConf(pod("web").build(), "10.244.0.1", ""))
        .isEqualTo(
            "search shop.svc.cluster.local svc.cluster.local cluster.local\n"
                + "nameserver 10.244.0.1\n"
                + "options ndots:5\n");
  }

  @Test
  void dnsPolicyNoneUsesOnlyDnsConfig() {
    Pod pod =
        pod("web")
            .editSpec()
            .withDnsPolicy("None")
            .withNewDnsConfig()
            .addToNameservers("1.1.1.1")
            .addToSearches("example.org")
            .addNewOption()
            .withName("ndots")
            .withValue("2")
            .endOption()
            .endDnsConfig()
            .endSpec()
            .build();
    assertThat(PodFiles.resolvConf(pod, "10.244.0.1", ""))
        .isEqualTo("search example.org\nnameserver 1.1.1.1\noptions ndots:2\n");
  }
}
