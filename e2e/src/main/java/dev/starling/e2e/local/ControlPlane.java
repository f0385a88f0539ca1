package dev.starling.e2e.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The children the supervisor runs, in start order: each one's command line and how to tell it is
 * ready. Pure: it only builds values from the paths and ports of one checkout.
 */
final class ControlPlane {
  static final String ETCD = "etcd";
  static final String API_SERVER = "kube-apiserver";
  static final String CONTROLLER_MANAGER = "kube-controller-manager";
  static final String SCHEDULER = "kube-scheduler";
  static final String COREDNS = "coredns";
  static final String FORWARDER = "netns-forward";
  static final String KUBELET = "kubelet";

  static final String KUBELET_CLASS = "dev.starling.e2e.kubelet.ProcessKubelet";
  static final String SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  static final int CONTROLLER_MANAGER_PORT = 10257;
  static final int SCHEDULER_PORT = 10259;

  /**
   * The controller manager and scheduler serve health and metrics to anyone on the namespace's
   * loopback; they get no delegated-authentication kubeconfig, which would need a front-proxy CA on
   * the API server for nothing.
   */
  private static final String ALWAYS_ALLOW = "/healthz,/readyz,/livez,/metrics";

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** How the supervisor learns that a component is ready. */
  sealed interface Probe {
    /**
     * A GET that answers 200; {@code trustClusterCa}: verify TLS against our CA, else trust any.
     */
    record Http(URI uri, boolean trustClusterCa) implements Probe {}

    /** The component printed this line (the forwarder's "ready"). */
    record LogLine(String line) implements Probe {}

    /** Running is all we can tell (the kubelet; {@code up} checks its Nodes instead). */
    record Alive() implements Probe {}
  }

  /**
   * @param command the full command line, already wrapped in {@code setpriv --pdeathsig KILL}
   * @param stopGrace how long a SIGTERM may take before SIGKILL
   */
  record Component(String name, List<String> command, Probe probe, Duration stopGrace) {}

  /**
   * Where the supervisor is and what it runs with: the host namespace the forwarder listens in (the
   * {@code up} process's, {@code /proc/<pid>/ns/net}), its own pid (the forwarder ends with it) and
   * the java and class path the kubelet runs with.
   */
  record Runtime(String hostNetns, long supervisorPid, String java, String classpath) {}

  private final LocalPaths paths;
  private final int apiPort;
  private final int nodes;
  private final Runtime runtime;

  ControlPlane(LocalPaths paths, int apiPort, int nodes, Runtime runtime) {
    this.paths = paths;
    this.apiPort = apiPort;
    this.nodes = nodes;
    this.runtime = runtime;
  }

  Component etcd() {
    String client = "http://127.0.0.1:2379";
    String peer = "http://127.0.0.1:2380";
    return component(
        ETCD,
        List.of(
            tool("etcd"),
            "--name=starling",
            "--data-dir=" + paths.etcd(),
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=starling=" + peer,
            "--initial-cluster-state=new",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--snapshot-count=10000",
            "--quota-backend-bytes=" + (2L << 30)),
        new Probe.Http(URI.create(client + "/health"), false));
  }

  Component apiServer() {
    return component(
        API_SERVER,
        List.of(
            tool("kube-apiserver"),
            "--etcd-servers=http://127.0.0.1:2379",
            "--secure-port=" + apiPort,
            "--bind-address=0.0.0.0",
            "--advertise-address=" + ClusterNetwork.GATEWAY,
            "--service-cluster-ip-range=" + ClusterNetwork.SERVICE_CIDR,
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=" + pki("ca.crt"),
            "--tls-cert-file=" + pki("apiserver.crt"),
            "--tls-private-key-file=" + pki("apiserver.key"),
            "--service-account-key-file=" + pki("sa.pub"),
            "--service-account-signing-key-file=" + pki("sa.key"),
            "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
            "--kubelet-client-certificate=" + pki("apiserver-kubelet-client.crt"),
            "--kubelet-client-key=" + pki("apiserver-kubelet-client.key"),
            "--kubelet-certificate-authority=" + pki("ca.crt"),
            "--kubelet-preferred-address-types=InternalIP",
            "--allow-privileged=true",
            "--enable-priority-and-fairness=false",
            "--endpoint-reconciler-type=lease",
            "--cert-dir=" + paths.pki().resolve("apiserver-generated"),
            "--profiling=false"),
        new Probe.Http(URI.create(Kubeconfig.server(apiPort) + "/readyz"), true));
  }

  Component controllerManager() {
    String kubeconfig = pki("controller-manager.kubeconfig");
    return component(
        CONTROLLER_MANAGER,
        List.of(
            tool("kube-controller-manager"),
            "--kubeconfig=" + kubeconfig,
            "--authorization-always-allow-paths=" + ALWAYS_ALLOW,
            "--bind-address=127.0.0.1",
            "--secure-port=" + CONTROLLER_MANAGER_PORT,
            "--leader-elect=false",
            "--controllers=*",
            "--use-service-account-credentials=true",
            "--service-account-private-key-file=" + pki("sa.key"),
            "--root-ca-file=" + pki("ca.crt"),
            "--cluster-signing-cert-file=" + pki("ca.crt"),
            "--cluster-signing-key-file=" + pki("ca.key"),
            "--allocate-node-cidrs=false",
            "--profiling=false"),
        new Probe.Http(
            URI.create("https://127.0.0.1:" + CONTROLLER_MANAGER_PORT + "/healthz"), false));
  }

  Component scheduler() {
    String kubeconfig = pki("scheduler.kubeconfig");
    return component(
        SCHEDULER,
        List.of(
            tool("kube-scheduler"),
            "--kubeconfig=" + kubeconfig,
            "--authorization-always-allow-paths=" + ALWAYS_ALLOW,
            "--bind-address=127.0.0.1",
            "--secure-port=" + SCHEDULER_PORT,
            "--leader-elect=false",
            "--profiling=false"),
        new Probe.Http(URI.create("https://127.0.0.1:" + SCHEDULER_PORT + "/readyz"), false));
  }

  Component coreDns() {
    return component(
        COREDNS,
        List.of(tool("coredns"), "-conf", paths.corefile().toString()),
        new Probe.Http(URI.create("http://127.0.0.1:" + ClusterDns.READY_PORT + "/ready"), false));
  }

  /**
   * Opens the API port on the host's loopback, from inside the host namespace, for the supervisor's
   * lifetime.
   */
  Component forwarder() {
    String mapping = "127.0.0.1:" + apiPort + "=127.0.0.1:" + apiPort;
    return component(
        FORWARDER,
        List.of(
            "nsenter",
            "--net=" + runtime.hostNetns(),
            tool("netns-forward"),
            "-netns",
            "/run/netns/" + paths.netns(),
            "-watch-pid",
            Long.toString(runtime.supervisorPid()),
            mapping),
        new Probe.LogLine("ready"));
  }

  Component kubelet() {
    List<String> command = new ArrayList<>(List.of(runtime.java(), "-cp", runtime.classpath()));
    command.addAll(
        List.of(
            KUBELET_CLASS,
            "--kubeconfig",
            paths.adminKubeconfig().toString(),
            "--state-dir",
            paths.kubelet().toString(),
            "--nodes",
            Integer.toString(nodes),
            "--netns-prefix",
            paths.podNetnsPrefix(),
            "--cni-bin",
            paths.bin().toString(),
            "--cluster-dns",
            ClusterDns.ADDRESS,
            "--api-host",
            ClusterNetwork.GATEWAY,
            "--api-port",
            Integer.toString(apiPort),
            "--ca-cert",
            pki("ca.crt"),
            "--tls-cert",
            pki("kubelet.crt"),
            "--tls-key",
            pki("kubelet.key"),
            "--address",
            ClusterNetwork.GATEWAY,
            "--checkout",
            paths.checkout().toString()));
    // Pods get the usual 30 s to stop gracefully, so the kubelet gets a little more.
    return new Component(
        KUBELET, withDeathSignal(command), new Probe.Alive(), Duration.ofSeconds(45));
  }

  /** Every component, in start order; the kubelet only with nodes to run. */
  List<Component> all() {
    List<Component> all =
        new ArrayList<>(
            List.of(etcd(), forwarder(), apiServer(), controllerManager(), scheduler(), coreDns()));
    if (nodes > 0) {
      all.add(kubelet());
    }
    return all;
  }

  /**
   * The child gets SIGKILL when the thread that started it ends, even after a kill -9 of the
   * supervisor.
   */
  static List<String> withDeathSignal(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL"));
    wrapped.addAll(command);
    return wrapped;
  }

  private Component component(String name, List<String> command, Probe probe) {
    return new Component(name, withDeathSignal(command), probe, STOP_GRACE);
  }

  private String tool(String name) {
    return paths.tool(name).toString();
  }

  private String pki(String file) {
    return paths.pki(file).toString();
  }

  static Path kubeconfigOf(LocalPaths paths, String user) {
    return user.equals("admin") ? paths.adminKubeconfig() : paths.pki(user + ".kubeconfig");
  }
}
