package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic provisioner for local directories, like rancher's local-path-provisioner: the default
 * StorageClass {@code standard} (WaitForFirstConsumer, Delete) is served by creating, for each
 * claim the scheduler has placed (annotation volume.kubernetes.io/selected-node), a directory under
 * {@code kubelet/volumes/pvc/} and a {@code local} PersistentVolume pinned to that node and
 * pre-bound to the claim; the controller-manager's binder completes the binding. A Released volume
 * whose policy is Delete loses its directory and object. Data outlives pods, so a StatefulSet's pod
 * finds its data again.
 */
final class LocalProvisioner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalProvisioner.class);
  static final String PROVISIONER = "starling.dev/local-path";
  static final String CLASS = "standard";
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

  private final KubeletContext k;
  private final Path root;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
  private SharedIndexInformer<PersistentVolumeClaim> claims;
  private SharedIndexInformer<PersistentVolume> volumes;
  private SharedIndexInformer<StorageClass> classes;

  LocalProvisioner(KubeletContext k) {
    this.k = k;
    this.root = k.options().stateDir().resolve("volumes").resolve("pvc");
  }

  void start() throws IOException {
    Files.createDirectories(root);
    ensureStorageClass();
    ResourceEventHandler<Object> nudge =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object o) {
            trigger();
          }

          @Override
          public void onUpdate(Object a, Object b) {
            trigger();
          }

          @Override
          public void onDelete(Object o, boolean unknown) {}
        };
    classes = k.client().storage().v1().storageClasses().inform(nudge, 60_000);
    claims = k.client().persistentVolumeClaims().inAnyNamespace().inform(nudge, 60_000);
    volumes = k.client().persistentVolumes().inform(nudge, 60_000);
    loop.scheduleWithFixedDelay(this::reconcile, 1, 5, TimeUnit.SECONDS);
  }

  private void trigger() {
    loop.execute(this::reconcile);
  }

  void ensureStorageClass() {
    StorageClass desired =
        new StorageClassBuilder()
            .withNewMetadata()
            .withName(CLASS)
            .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true")
            .endMetadata()
            .withProvisioner(PROVISIONER)
            .withVolumeBindingMode("WaitForFirstConsumer")
            .withReclaimPolicy("Delete")
            .build();
    try {
      k.client().storage().v1().storageClasses().resource(desired).create();
      LOG.info("created StorageClass {}", CLASS);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** One pass over all claims and volumes, from the informers' caches. */
  void reconcile() {
    if (claims == null || volumes == null || classes == null) {
      return; // still starting
    }
    try {
      for (PersistentVolumeClaim claim : claims.getStore().list()) {
        provisionIfNeeded(claim);
      }
      for (PersistentVolume pv : volumes.getStore().list()) {
        deleteIfReleased(pv);
      }
    } catch (RuntimeException e) {
      LOG.warn("provisioner pass failed", e);
    }
  }

  private void provisionIfNeeded(PersistentVolumeClaim claim) {
    if (claim.getMetadata().getDeletionTimestamp() != null
        || (claim.getSpec().getVolumeName() != null && !claim.getSpec().getVolumeName().isEmpty())
        || (claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase()))) {
      return;
    }
    String className = claim.getSpec().getStorageClassName();
    if (className == null) {
      className = CLASS; // the DefaultStorageClass admission plugin or the binder fills it in
    }
    Optional<StorageClass> storageClass = storageClass(className);
    if (storageClass.isEmpty() || !PROVISIONER.equals(storageClass.get().getProvisioner())) {
      return;
    }
    Map<String, String> annotations =
        Optional.ofNullable(claim.getMetadata().getAnnotations()).orElse(Map.of());
    String node = annotations.get(SELECTED_NODE);
    boolean immediate = "Immediate".equals(storageClass.get().getVolumeBindingMode());
    if (node == null && !immediate) {
      return; // WaitForFirstConsumer: the scheduler has not picked a node yet
    }
    String pvName = "pvc-" + claim.getMetadata().getUid();
    if (volumes.getStore().getByKey(pvName) != null) {
      return;
    }
    Quantity size =
        Optional.ofNullable(claim.getSpec().getResources())
            .map(r -> r.getRequests())
            .map(r -> r.get("storage"))
            .orElse(new Quantity("1Gi"));
    Path dir = root.resolve(pvName);
    try {
      Files.createDirectories(dir);
      // World-writable like local-path-provisioner's, for containers that do not run as root.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      LOG.warn("cannot create {}: {}", dir, e.toString());
      return;
    }
    String reclaim = Optional.ofNullable(storageClass.get().getReclaimPolicy()).orElse("Delete");
    PersistentVolumeBuilder pv =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(pvName)
            .addToAnnotations(PROVISIONED_BY, PROVISIONER)
            .endMetadata()
            .withNewSpec()
            .addToCapacity("storage", size)
            .withAccessModes(
                claim.getSpec().getAccessModes() == null
                        || claim.getSpec().getAccessModes().isEmpty()
                    ? List.of("ReadWriteOnce")
                    : claim.getSpec().getAccessModes())
            .withPersistentVolumeReclaimPolicy(reclaim)
            .withStorageClassName(className)
            .withVolumeMode(
                claim.getSpec().getVolumeMode() == null
                    ? "Filesystem"
                    : claim.getSpec().getVolumeMode())
            .withNewClaimRef()
            .withApiVersion("v1")
            .withKind("PersistentVolumeClaim")
            .withNamespace(claim.getMetadata().getNamespace())
            .withName(claim.getMetadata().getName())
            .withUid(claim.getMetadata().getUid())
            .endClaimRef()
            .endSpec();
    if (node != null) {
      pv.editSpec()
          .withNewLocal()
          .withPath(dir.toString())
          .endLocal()
          .withNewNodeAffinity()
          .withNewRequired()
          .addNewNodeSelectorTerm()
          .addNewMatchExpression()
          .withKey("kubernetes.io/hostname")
          .withOperator("In")
          .withValues(node)
          .endMatchExpression()
          .endNodeSelectorTerm()
          .endRequired()
          .endNodeAffinity()
          .endSpec();
    } else {
      pv.editSpec().withNewHostPath().withPath(dir.toString()).endHostPath().endSpec();
    }
    try {
      k.client().persistentVolumes().resource(pv.build()).create();
      LOG.info(
          "provisioned {} ({}) for {}/{} on {}",
          pvName,
          size,
          claim.getMetadata().getNamespace(),
          claim.getMetadata().getName(),
          node == null ? "any node" : node);
      k.events()
          .normal(
              claim,
              node == null ? "" : node,
              null,
              "ProvisioningSucceeded",
              "Successfully provisioned volume " + pvName);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        LOG.warn("cannot create {}: {}", pvName, e.getMessage());
      }
    }
  }

  private void deleteIfReleased(PersistentVolume pv) {
    Map<String, String> annotations =
        Optional.ofNullable(pv.getMetadata().getAnnotations()).orElse(Map.of());
    if (!PROVISIONER.equals(annotations.get(PROVISIONED_BY))
        || pv.getStatus() == null
        || !"Released".equals(pv.getStatus().getPhase())
        || !"Delete".equals(pv.getSpec().getPersistentVolumeReclaimPolicy())) {
      return;
    }
    String name = pv.getMetadata().getName();
    Path dir = root.resolve(name);
    try {
      VolumeManager.deleteTree(dir);
      k.client().persistentVolumes().withName(name).delete();
      LOG.info("deleted released volume {}", name);
    } catch (IOException | KubernetesClientException e) {
      LOG.warn("cannot delete released volume {}: {}", name, e.toString());
    }
  }

  private Optional<StorageClass> storageClass(String name) {
    StorageClass cached = classes.getStore().getByKey(name);
    return Optional.ofNullable(cached);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    for (SharedIndexInformer<?> informer :
        new SharedIndexInformer<?>[] {claims, volumes, classes}) {
      if (informer != null) {
        informer.close();
      }
    }
  }
}
