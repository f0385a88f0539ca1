package dev.starling.e2e.kubelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the kubelet's Nodes and keeps them alive, as the kubelet's node status manager and
 * lease controller do: a Lease in kube-node-lease renewed every {@link #LEASE_RENEW}, and the
 * status (Ready with a heartbeat, capacity, addresses, the kubelet endpoint) written at start and
 * every {@link #STATUS_PERIOD}. A Node deleted behind its back is registered again.
 */
final class NodeAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  static final Duration LEASE_RENEW = Duration.ofSeconds(10);
  static final int LEASE_DURATION_SECONDS = 40;
  static final Duration STATUS_PERIOD = Duration.ofSeconds(30);
  static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubeletContext k;
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          1, Thread.ofPlatform().daemon().name("node-agent").factory());
  private final Map<String, String> nodeUids = new ConcurrentHashMap<>();
  private final Map<String, Instant> readySince = new ConcurrentHashMap<>();
  private final String kubeletVersion;

  NodeAgent(KubeletContext k, String kubeletVersion) {
    this.k = k;
    this.kubeletVersion = kubeletVersion;
  }

  /** Registers every node and starts the heartbeats. */
  void start() {
    for (int i = 1; i <= k.options().nodes(); i++) {
      register(i);
      renewLease(i);
    }
    timer.scheduleWithFixedDelay(
        () -> forEachNode(this::renewLease),
        LEASE_RENEW.toMillis(),
        LEASE_RENEW.toMillis(),
        TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        () -> forEachNode(this::writeStatus),
        STATUS_PERIOD.toMillis(),
        STATUS_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void forEachNode(java.util.function.IntConsumer action) {
    for (int i = 1; i <= k.options().nodes(); i++) {
      try {
        action.accept(i);
      } catch (RuntimeException e) {
        LOG.warn("node {}: {}", k.options().nodeName(i), e.toString());
      }
    }
  }

  Node desiredNode(int i) {
    String name = k.options().nodeName(i);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("topology.kubernetes.io/zone", k.options().zone(i));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .build();
  }

  void register(int i) {
    Node desired = desiredNode(i);
    String name = desired.getMetadata().getName();
    Node node;
    try {
      node = k.client().nodes().resource(desired).create();
      LOG.info("registered node {}", name);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already registered (a kubelet restart): make sure our labels are there.
      ObjectNode patch = JSON.createObjectNode();
      patch
          .putObject("metadata")
          .set("labels", JSON.valueToTree(desired.getMetadata().getLabels()));
      node =
          k.client()
              .nodes()
              .withName(name)
              .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
    nodeUids.put(name, node.getMetadata().getUid());
    writeStatus(i);
  }

  NodeStatus desiredStatus(int i, Instant now) {
    String name = k.options().nodeName(i);
    String heartbeat = ContainerStatusBuilder.time(now);
    String since = ContainerStatusBuilder.time(readySince.computeIfAbsent(name, n -> now));
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("cpu", new Quantity("2"));
    capacity.put("memory", new Quantity("8Gi"));
    capacity.put("pods", new Quantity("110"));
    capacity.put("ephemeral-storage", new Quantity("100Gi"));
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
            heartbeat,
            since));
    conditions.add(
        condition(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
            heartbeat,
            since));
    conditions.add(
        condition(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
            heartbeat,
            since));
    conditions.add(
        condition(
            "Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat, since));
    return new NodeStatusBuilder()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .withConditions(conditions)
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(k.options().address())
        .endAddress()
        .withNewDaemonEndpoints()
        .withNewKubeletEndpoint()
        .withPort(k.options().kubeletPort(i))
        .endKubeletEndpoint()
        .endDaemonEndpoints()
        .withNewNodeInfo()
        .withArchitecture("amd64")
        .withOperatingSystem("linux")
        .withKernelVersion(read("/proc/sys/kernel/osrelease", "unknown"))
        .withOsImage(osImage())
        .withBootID(read("/proc/sys/kernel/random/boot_id", ""))
        .withMachineID(read("/etc/machine-id", ""))
        .withSystemUUID(name)
        .withContainerRuntimeVersion("starling-process://0.1.0")
        .withKubeletVersion(kubeletVersion)
        .withKubeProxyVersion("")
        .endNodeInfo()
        .build();
  }

  private static NodeCondition condition(
      String type, String status, String reason, String message, String heartbeat, String since) {
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastHeartbeatTime(heartbeat)
        .withLastTransitionTime(since)
        .build();
  }

  void writeStatus(int i) {
    String name = k.options().nodeName(i);
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", JSON.valueToTree(desiredStatus(i, k.clock().instant())));
    try {
      k.client()
          .nodes()
          .withName(name)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        LOG.warn("node {} was deleted; registering it again", name);
        register(i);
        return;
      }
      throw e;
    }
  }

  void renewLease(int i) {
    String name = k.options().nodeName(i);
    Instant now = k.clock().instant();
    var leases = k.client().leases().inNamespace(LEASE_NAMESPACE);
    Lease existing = leases.withName(name).get();
    if (existing == null) {
      String uid = nodeUids.get(name);
      LeaseBuilder lease =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(LEASE_NAMESPACE)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(name)
              .withLeaseDurationSeconds(LEASE_DURATION_SECONDS)
              .withRenewTime(now.atZone(ZoneOffset.UTC))
              .endSpec();
      if (uid != null) {
        // Owned by the Node, so that deleting the Node collects its Lease, as with the kubelet.
        lease
            .editMetadata()
            .addNewOwnerReference()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(name)
            .withUid(uid)
            .endOwnerReference()
            .endMetadata();
      }
      try {
        leases.resource(lease.build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      return;
    }
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode spec = patch.putObject("spec");
    spec.put("holderIdentity", name);
    spec.put("leaseDurationSeconds", LEASE_DURATION_SECONDS);
    spec.put("renewTime", MICRO_TIME.format(now));
    try {
      leases
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String osImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "Linux";
  }

  private static String read(String file, String fallback) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      return fallback;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
