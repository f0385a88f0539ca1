package dev.starling.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.starling.operator.api.v1alpha1.Annotations;
import dev.starling.operator.api.v1alpha1.MemberConfig;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.api.v1alpha1.ReplicaSetSpec;
import dev.starling.operator.api.v1alpha1.StorageSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Builds every Kubernetes object of one ReplicaSet from the resource alone, and names its members.
 * Pure: no client, no I/O; the reconciler sends what it returns.
 */
public final class ReplicaSetModel {
  public static final int PORT = 27017;
  public static final int HTTP_PORT = PORT + 1000;
  public static final String PORT_NAME = "mongodb";
  public static final String HTTP_PORT_NAME = "http";
  public static final String CONTAINER = "node";
  public static final String DATA_VOLUME = "data";
  public static final String DATA_DIR = "/data/db";
  public static final String CONFIG_VOLUME = "config";
  public static final String CONFIG_DIR = "/etc/starling";
  public static final String CONFIG_KEY = "mongod.conf";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + CONFIG_KEY;
  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
  public static final long TERMINATION_GRACE_SECONDS = 30;

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private final ReplicaSet resource;
  private final ReplicaSetSpec spec;
  private final String name;
  private final String namespace;
  private final String clusterDomain;

  private ReplicaSetModel(ReplicaSet resource, String clusterDomain) {
    this.resource = resource;
    this.spec = resource.getSpec() == null ? new ReplicaSetSpec() : resource.getSpec();
    this.name = resource.getMetadata().getName();
    this.namespace = resource.getMetadata().getNamespace();
    this.clusterDomain = clusterDomain;
  }

  public static ReplicaSetModel from(ReplicaSet resource) {
    return from(resource, DEFAULT_CLUSTER_DOMAIN);
  }

  /** For clusters whose DNS domain is not {@code cluster.local}. */
  public static ReplicaSetModel from(ReplicaSet resource, String clusterDomain) {
    return new ReplicaSetModel(resource, clusterDomain);
  }

  public ReplicaSet resource() {
    return resource;
  }

  /** The ReplicaSet's name: also the replica-set name (the config's {@code _id}). */
  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** Data-bearing members the spec asks for. */
  public int members() {
    return orDefault(spec.getMembers(), 3);
  }

  public int arbiters() {
    return orDefault(spec.getArbiters(), 0);
  }

  public String image() {
    return spec.getImage() == null ? ReplicaSetSpec.DEFAULT_IMAGE : spec.getImage();
  }

  public boolean paused() {
    return Boolean.TRUE.equals(spec.getPaused());
  }

  public String statefulSetName() {
    return name;
  }

  public String arbiterStatefulSetName() {
    return name + "-arbiter";
  }

  public String headlessServiceName() {
    return name + "-hs";
  }

  public String clientServiceName() {
    return name;
  }

  public String configMapName() {
    return name + "-config";
  }

  public String podDisruptionBudgetName() {
    return name;
  }

  public String podName(int ordinal) {
    return statefulSetName() + "-" + ordinal;
  }

  public String arbiterPodName(int index) {
    return arbiterStatefulSetName() + "-" + index;
  }

  /** {@code <pod>.<name>-hs.<ns>.svc.<domain>:27017}, the host in the replica-set config. */
  public String memberHost(int ordinal) {
    return host(podName(ordinal));
  }

  public String arbiterHost(int index) {
    return host(arbiterPodName(index));
  }

  private String host(String pod) {
    return pod + "." + serviceDomain() + ":" + PORT;
  }

  private String serviceDomain() {
    return headlessServiceName() + "." + namespace + ".svc." + clusterDomain;
  }

  /** The data members' hosts in ordinal order: the seed list. */
  public List<String> memberHosts() {
    return IntStream.range(0, members()).mapToObj(this::memberHost).toList();
  }

  /** {@code mongodb://<every data member>/?replicaSet=<name>}. */
  public String connectionString() {
    return "mongodb://" + String.join(",", memberHosts()) + "/?replicaSet=" + name;
  }

  /** The SRV form: the headless Service's named port gives {@code _mongodb._tcp} records. */
  public String srvConnectionString() {
    return "mongodb+srv://" + serviceDomain() + "/?replicaSet=" + name + "&tls=false";
  }

  /** What the data members' pods are selected by (status.selector, the StatefulSet). */
  public Map<String, String> selectorLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.INSTANCE, name);
    labels.put(Labels.NAME, Labels.NODE);
    return labels;
  }

  /** {@code status.selector}: the selector labels in the string form, keys sorted. */
  public String selector() {
    return new TreeMap<>(selectorLabels())
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  private Map<String, String> arbiterSelectorLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.INSTANCE, name);
    labels.put(Labels.NAME, Labels.ARBITER);
    return labels;
  }

  /** The labels on every object of the set that is not a pod. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.NAME, Labels.NODE);
    labels.put(Labels.INSTANCE, name);
    labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
    return labels;
  }

  private Map<String, String> podLabels(Map<String, String> selector, String component) {
    Map<String, String> labels = new LinkedHashMap<>(selector);
    labels.put(Labels.COMPONENT, component);
    labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
    labels.put(Labels.REPLICA_SET, name);
    return labels;
  }

  /** Makes the ReplicaSet the controller of an object, so that deleting it deletes the object. */
  public OwnerReference ownerReference() {
    return new OwnerReferenceBuilder()
        .withApiVersion(ReplicaSet.API_VERSION)
        .withKind(ReplicaSet.KIND)
        .withName(name)
        .withUid(resource.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private ObjectMeta metadata(String objectName) {
    return new ObjectMetaBuilder()
        .withName(objectName)
        .withNamespace(namespace)
        .withLabels(labels())
        .withOwnerReferences(ownerReference())
        .build();
  }

  /**
   * {@code <name>-hs}: gives every member, ready or not, its DNS name, and the SRV records of the
   * {@code mongodb+srv} string through the port named {@code mongodb}.
   */
  public Service headlessService() {
    return new ServiceBuilder()
        .withMetadata(metadata(headlessServiceName()))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Map.of(Labels.REPLICA_SET, name))
        .addNewPort()
        .withName(PORT_NAME)
        .withProtocol("TCP")
        .withPort(PORT)
        .withTargetPort(new IntOrString(PORT))
        .endPort()
        .endSpec()
        .build();
  }

  /** {@code <name>}: a stable address for the ready data members. */
  public Service clientService() {
    return new ServiceBuilder()
        .withMetadata(metadata(clientServiceName()))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selectorLabels())
        .addNewPort()
        .withName(PORT_NAME)
        .withProtocol("TCP")
        .withPort(PORT)
        .withTargetPort(new IntOrString(PORT))
        .endPort()
        .endSpec()
        .build();
  }

  /** {@code <name>-config}: the node's mongod.conf, mounted at {@value #CONFIG_FILE}. */
  public ConfigMap configMap() {
    return new ConfigMapBuilder()
        .withMetadata(metadata(configMapName()))
        .withData(Map.of(CONFIG_KEY, mongodConf()))
        .build();
  }

  /**
   * The node's config file: the options starling-node reads from a mongod.conf. The oplog size
   * applies to a new oplog only; the operator resizes a live one with replSetResizeOplog.
   */
  public String mongodConf() {
    return mongodConf(true);
  }

  /**
   * What a member reads from its config file only when it starts: the config file without the oplog
   * size, which the operator changes live. The pod template carries its digest, so a change of it
   * rolls the members.
   */
  public String configDigest() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(mongodConf(false).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private String mongodConf(boolean withOplogSize) {
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("port", PORT);
    net.put("bindIpAll", true);
    Map<String, Object> replication = new LinkedHashMap<>();
    replication.put("replSetName", name);
    if (withOplogSize && spec.getOplogSizeMB() != null) {
      replication.put("oplogSizeMB", spec.getOplogSizeMB());
    }
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("net", net);
    conf.put("storage", Map.of("dbPath", DATA_DIR));
    conf.put("replication", replication);
    if (spec.getNodeParameters() != null && !spec.getNodeParameters().isEmpty()) {
      conf.put("setParameter", new TreeMap<>(spec.getNodeParameters()));
    }
    try {
      return YAML.writeValueAsString(conf);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data members' StatefulSet, sized as the spec asks (for its creation). */
  public StatefulSet statefulSet() {
    return statefulSet(members());
  }

  /**
   * The data members' StatefulSet with {@code replicas} pods. Once the set exists the planner owns
   * the size (it grows the StatefulSet before adding members and shrinks it only after their
   * removal is committed), so the reconciler passes the current size.
   */
  public StatefulSet statefulSet(int replicas) {
    StorageSpec storage = spec.getStorage() == null ? new StorageSpec() : spec.getStorage();
    boolean retain = !Boolean.FALSE.equals(storage.getRetainOnScaleDown());
    Quantity size =
        storage.getSize() == null ? new Quantity(StorageSpec.DEFAULT_SIZE) : storage.getSize();
    PersistentVolumeClaim claim =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName(DATA_VOLUME)
            .withLabels(selectorLabels())
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(storage.getStorageClassName())
            .withNewResources()
            .withRequests(Map.of("storage", size))
            .endResources()
            .endSpec()
            .build();
    ResourceRequirements resources =
        spec.getResources() == null
            ? new ResourceRequirements()
            : new ResourceRequirementsBuilder(spec.getResources()).build();
    Container node = nodeContainer(image(), resources);
    return new StatefulSetBuilder()
        .withMetadata(metadata(statefulSetName()))
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(headlessServiceName())
        .withPodManagementPolicy("Parallel")
        .withNewUpdateStrategy()
        .withType("OnDelete")
        .endUpdateStrategy()
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenScaled(retain ? "Retain" : "Delete")
        .withWhenDeleted("Retain")
        .endPersistentVolumeClaimRetentionPolicy()
        .withNewSelector()
        .withMatchLabels(selectorLabels())
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels(selectorLabels(), "member"))
        .withAnnotations(Map.of(Annotations.CONFIG_DIGEST, configDigest()))
        .endMetadata()
        .withSpec(podSpec(node, List.of(configVolume())))
        .endTemplate()
        .withVolumeClaimTemplates(claim)
        .endSpec()
        .build();
  }

  /**
   * {@code <name>-arbiter} when the spec asks for arbiters. An arbiter keeps only the replica-set
   * metadata, so an emptyDir is its data directory: a rescheduled arbiter rejoins through the
   * config like a new member.
   */
  public Optional<StatefulSet> arbiterStatefulSet() {
    if (arbiters() == 0) {
      return Optional.empty();
    }
    ResourceRequirements small =
        new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
            .build();
    Volume data = new VolumeBuilder().withName(DATA_VOLUME).withNewEmptyDir().endEmptyDir().build();
    return Optional.of(
        new StatefulSetBuilder()
            .withMetadata(metadata(arbiterStatefulSetName()))
            .withNewSpec()
            .withReplicas(arbiters())
            .withServiceName(headlessServiceName())
            .withPodManagementPolicy("Parallel")
            .withNewUpdateStrategy()
            .withType("OnDelete")
            .endUpdateStrategy()
            .withNewSelector()
            .withMatchLabels(arbiterSelectorLabels())
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(podLabels(arbiterSelectorLabels(), "arbiter"))
            .withAnnotations(Map.of(Annotations.CONFIG_DIGEST, configDigest()))
            .endMetadata()
            .withSpec(podSpec(nodeContainer(image(), small), List.of(configVolume(), data)))
            .endTemplate()
            .endSpec()
            .build());
  }

  /**
   * {@code <name>}: voluntary disruptions (drains) take at most one member of the set at a time.
   */
  public PodDisruptionBudget podDisruptionBudget() {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(metadata(podDisruptionBudgetName()))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withSelector(everyPod())
        .endSpec()
        .build();
  }

  private LabelSelector everyPod() {
    return new LabelSelectorBuilder().withMatchLabels(Map.of(Labels.REPLICA_SET, name)).build();
  }

  private Volume configVolume() {
    return new VolumeBuilder()
        .withName(CONFIG_VOLUME)
        .withNewConfigMap()
        .withName(configMapName())
        .endConfigMap()
        .build();
  }

  /**
   * Members spread over nodes and zones when the cluster allows it, never refused scheduling for it
   * (a one-node development cluster must still run three members).
   */
  private PodSpec podSpec(Container node, List<Volume> volumes) {
    return new PodSpecBuilder()
        .withContainers(node)
        .withVolumes(volumes)
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withLabelSelector(everyPod())
        .withTopologyKey("kubernetes.io/hostname")
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .addNewTopologySpreadConstraint()
        .withMaxSkew(1)
        .withTopologyKey("topology.kubernetes.io/zone")
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withLabelSelector(everyPod())
        .endTopologySpreadConstraint()
        .build();
  }

  /**
   * The starling-node container. {@code /healthz} answers while the process lives with its storage
   * open, during initial sync and rollback too, so liveness never kills a syncing member; the
   * startup probe only covers opening the storage (up to 10 minutes after a crash). {@code /readyz}
   * keeps a member out of the client Service until it is PRIMARY, SECONDARY or ARBITER.
   */
  private Container nodeContainer(String image, ResourceRequirements resources) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withArgs("--config", CONFIG_FILE)
        .addNewPort()
        .withName(PORT_NAME)
        .withContainerPort(PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName(HTTP_PORT_NAME)
        .withContainerPort(HTTP_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewVolumeMount()
        .withName(DATA_VOLUME)
        .withMountPath(DATA_DIR)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(CONFIG_VOLUME)
        .withMountPath(CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .withResources(resources)
        .withStartupProbe(probe("/healthz", 10, 5, 60))
        .withLivenessProbe(probe("/healthz", 10, 5, 6))
        .withReadinessProbe(probe("/readyz", 5, 3, 3))
        .build();
  }

  private static Probe probe(String path, int period, int timeout, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(HTTP_PORT))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(timeout)
        .withFailureThreshold(failures)
        .build();
  }

  /** The config settings the spec asks for the data member {@code ordinal}. */
  public MemberSettings memberSettings(int ordinal) {
    if (spec.getMemberConfig() == null) {
      return MemberSettings.DEFAULT;
    }
    for (MemberConfig c : spec.getMemberConfig()) {
      if (c.getMember() != null && c.getMember() == ordinal) {
        return new MemberSettings(
            c.getPriority() == null ? 1 : c.getPriority(),
            orDefault(c.getVotes(), 1),
            Boolean.TRUE.equals(c.getHidden()),
            c.getSecondaryDelaySecs() == null ? 0 : c.getSecondaryDelaySecs(),
            c.getTags() == null ? Map.of() : c.getTags());
      }
    }
    return MemberSettings.DEFAULT;
  }

  /** Every data member's settings, in ordinal order. */
  public List<MemberSettings> memberSettings() {
    List<MemberSettings> all = new ArrayList<>();
    for (int i = 0; i < members(); i++) {
      all.add(memberSettings(i));
    }
    return all;
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
