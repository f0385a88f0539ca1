package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process kubelet: N Kubernetes nodes in one JVM that run each pod's containers as ordinary
 * Linux processes in the pod's own network namespace, with a private mount namespace per container
 * (see docs/LOCAL-CLUSTER.md). The launcher starts it as root inside the cluster's network
 * namespace; SIGTERM stops every container within its grace period.
 */
public final class ProcessKubelet {

  static {
    // Our own progress at INFO; the client's chatter stays at the project default (warn).
    if (System.getProperty("org.slf4j.simpleLogger.log.dev.starling.e2e.kubelet") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.starling.e2e.kubelet", "info");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ProcessKubelet.class);
  private static final List<String> TOOLS =
      List.of("/usr/bin/setpriv", "/usr/sbin/ip", "/usr/bin/unshare", "/usr/bin/nsenter");

  private ProcessKubelet() {}

  public static void main(String[] args) throws Exception {
    KubeletOptions options;
    try {
      options = KubeletOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("process-kubelet: " + e.getMessage());
      System.exit(2);
      return;
    }
    for (String tool : TOOLS) {
      if (!Files.isExecutable(Path.of(tool))) {
        System.err.println("process-kubelet: " + tool + " is missing (iproute2, util-linux)");
        System.exit(2);
      }
    }
    run(options);
  }

  static void run(KubeletOptions options) throws Exception {
    Clock clock = Clock.systemUTC();
    Path state = options.stateDir();
    Files.createDirectories(state.resolve("pods"));
    Files.createDirectories(state.resolve("cni"));
    Path setupScript = state.resolve("container-setup.sh");
    try (InputStream in = ProcessKubelet.class.getResourceAsStream("container-setup.sh")) {
      Files.write(setupScript, in.readAllBytes());
    }
    Files.setPosixFilePermissions(setupScript, PosixFilePermissions.fromString("rwxr-xr-x"));

    Config config = Config.fromKubeconfig(Files.readString(options.kubeconfig()));
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    String version = client.getKubernetesVersion().getGitVersion();

    Path javaHome = Path.of(System.getProperty("java.home"));
    ImageTable images =
        options.imageTable().isPresent()
            ? ImageTable.load(options.imageTable().get(), options.checkout(), javaHome)
            : ImageTable.builtIn(options.checkout(), javaHome);
    ObjectLookup lookup = apiLookup(client);
    ProcessRuntime runtime = new ProcessRuntime(clock);
    EventRecorder events = new EventRecorder(client, clock);
    KubeletContext context =
        new KubeletContext(
            options,
            client,
            clock,
            runtime,
            new CniPlugin(options.cniBin(), state.resolve("cni")),
            new VolumeManager(
                client, lookup, options.caCert(), clock, DownwardApi.Allocatable.DEFAULT),
            images,
            events,
            new Prober(runtime),
            new PodStatusWriter(client, clock),
            lookup,
            BackOff.kubeletDefault(),
            BackOff.kubeletDefault(),
            setupScript,
            hostResolvConf(),
            users());

    SSLContext ssl = Pem.serverContext(options.tlsCert(), options.tlsKey());
    PodWorkers workers = new PodWorkers(context);
    KubeletServer server = new KubeletServer(options, workers, ssl, clock);
    NodeAgent nodes = new NodeAgent(context, version);
    LocalProvisioner provisioner = new LocalProvisioner(context);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: ending every container within its grace period");
                  workers.shutdown();
                  provisioner.close();
                  nodes.close();
                  server.close();
                  events.close();
                  LOG.info("stopped");
                  stopped.countDown();
                },
                "kubelet-shutdown"));

    workers.cleanUpAfterPreviousRun();
    server.start();
    nodes.start();
    provisioner.start();
    workers.start();
    workers.collectNetworkNamespaces();
    LOG.info(
        "process kubelet up: nodes {} (API server {}), state in {}",
        options.nodeNames(),
        version,
        state);
    stopped.await();
  }

  /** ConfigMaps and Secrets straight from the API server: always current, read when needed. */
  private static ObjectLookup apiLookup(KubernetesClient client) {
    return new ObjectLookup() {
      @Override
      public Optional<ConfigMap> configMap(String namespace, String name) {
        return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
      }

      @Override
      public Optional<Secret> secret(String namespace, String name) {
        return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
      }
    };
  }

  /**
   * The host's users, name to [uid, gid]: containers share the host's /etc, so an image USER given
   * by name means the host's user of that name.
   */
  private static Map<String, List<Long>> users() {
    Map<String, List<Long>> users = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        String[] f = line.split(":");
        if (f.length > 3) {
          try {
            users.put(f[0], List.of(Long.parseLong(f[2]), Long.parseLong(f[3])));
          } catch (NumberFormatException e) {
            // not a user line
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read /etc/passwd: {}", e.toString());
    }
    return Map.copyOf(users);
  }

  /** The host's resolv.conf, for pods with dnsPolicy Default. */
  private static String hostResolvConf() {
    try {
      return Files.readString(Path.of("/etc/resolv.conf"));
    } catch (IOException e) {
      return "";
    }
  }
}
