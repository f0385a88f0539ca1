package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.e2e.local.ControlPlane.Component;
import dev.starling.e2e.local.ControlPlane.Probe;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlPlaneTest {
  private final LocalPaths paths = new LocalPaths(Path.of("/w"), Path.of("/cache/bin"));
  private final ControlPlane.Runtime runtime =
      new ControlPlane.Runtime("/proc/42/ns/net", 77, "/jdk/bin/java", "/w/classes:/m2/x.jar");

  @Test
  void everyChildDiesWithTheThreadThatStartedIt() {
    assertThat(new ControlPlane(paths, 22729, 3, runtime).all())
        .allSatisfy(
            c ->
                assertThat(c.command().subList(0, 3))
                    .containsExactly("setpriv", "--pdeathsig", "KILL"));
  }

  @Test
  void componentsStartInDependencyOrderAndTheKubeletOnlyWithNodes() {
    assertThat(new ControlPlane(paths, 22729, 3, runtime).all().stream().map(Component::name))
        .containsExactly(
            "etcd",
            "netns-forward",
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
            "coredns",
            "kubelet");
    assertThat(new ControlPlane(paths, 22729, 0, runtime).all().stream().map(Component::name))
        .doesNotContain("kubelet");
  }

  @Test
  void theApiServerListensOnTheApiPortEverywhereInTheNamespaceAndAdvertisesTheBridge() {
    Component apiServer = new ControlPlane(paths, 22729, 3, runtime).apiServer();

    assertThat(apiServer.command())
        .contains(
            "/cache/bin/kube-apiserver",
            "--etcd-servers=http://127.0.0.1:2379",
            "--secure-port=22729",
            "--bind-address=0.0.0.0",
            "--advertise-address=10.244.0.1",
            "--service-cluster-ip-range=10.96.0.0/16",
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=/w/.starling-local/pki/ca.crt",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--endpoint-reconciler-type=lease");
    assertThat(apiServer.command()).noneMatch(arg -> arg.startsWith("--admission-control"));
    assertThat(apiServer.probe())
        .isEqualTo(new Probe.Http(URI.create("https://127.0.0.1:22729/readyz"), true));
  }

  @Test
  void theForwarderEntersTheHostNamespaceAndEndsWithTheSupervisor() {
    Component forwarder = new ControlPlane(paths, 22729, 3, runtime).forwarder();

    assertThat(forwarder.command())
        .containsSubsequence(
            "nsenter",
            "--net=/proc/42/ns/net",
            "/cache/bin/netns-forward",
            "-netns",
            "/run/netns/stl-d1bb8ca3",
            "-watch-pid",
            "77",
            "127.0.0.1:22729=127.0.0.1:22729");
    assertThat(forwarder.probe()).isEqualTo(new Probe.LogLine("ready"));
  }

  @Test
  void theKubeletGetsTheAgreedFlags() {
    List<String> command = new ControlPlane(paths, 22729, 3, runtime).kubelet().command();

    assertThat(command)
        .containsSubsequence(
            "/jdk/bin/java",
            "-cp",
            "/w/classes:/m2/x.jar",
            "dev.starling.e2e.kubelet.ProcessKubelet",
            "--kubeconfig",
            "/w/.starling-local/admin.kubeconfig",
            "--state-dir",
            "/w/.starling-local/kubelet",
            "--nodes",
            "3",
            "--netns-prefix",
            "stl-d1bb8ca3-",
            "--cni-bin",
            "/cache/bin",
            "--cluster-dns",
            "10.244.0.1",
            "--api-host",
            "10.244.0.1",
            "--api-port",
            "22729",
            "--ca-cert",
            "/w/.starling-local/pki/ca.crt",
            "--tls-cert",
            "/w/.starling-local/pki/kubelet.crt",
            "--tls-key",
            "/w/.starling-local/pki/kubelet.key",
            "--address",
            "10.244.0.1",
            "--checkout",
            "/w");
  }
}
