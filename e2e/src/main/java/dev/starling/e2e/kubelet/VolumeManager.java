package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Makes a pod's volumes exist on the host, under {@code pods/<ns>_<pod>/volumes/<name>} (or at
 * their own place for hostPath and PersistentVolumes), so that container setup can bind them. Files
 * of configMap, secret, downwardAPI and projected volumes are rewritten only when they change, each
 * by an atomic rename, so a running container sees updates as in Kubernetes.
 */
final class VolumeManager {

  /** A volume's host directory (or file) and whether containers must see it read-only. */
  record Prepared(Path path, boolean readOnly) {}

  /** Volumes that cannot be set up yet; the message names each one and why (FailedMount). */
  static final class VolumeException extends Exception {
    VolumeException(String message) {
      super(message);
    }
  }

  private record Token(String token, Instant refreshAt) {}

  private final KubernetesClient client;
  private final ObjectLookup lookup;
  private final Optional<Path> caCert;
  private final Clock clock;
  private final DownwardApi.Allocatable allocatable;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  VolumeManager(
      KubernetesClient client,
      ObjectLookup lookup,
      Optional<Path> caCert,
      Clock clock,
      DownwardApi.Allocatable allocatable) {
    this.client = client;
    this.lookup = lookup;
    this.caCert = caCert;
    this.clock = clock;
    this.allocatable = allocatable;
  }

  /** Sets up (or refreshes) every volume of the pod; all problems are reported together. */
  Map<String, Prepared> prepare(Pod pod, Path podDir, String podIp, String hostIp)
      throws VolumeException, IOException {
    Map<String, Prepared> prepared = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume volume : volumes) {
      try {
        prepared.put(volume.getName(), prepare(pod, podDir, volume, podIp, hostIp));
      } catch (ContainerConfigException | KubernetesClientException e) {
        failures.add(
            "MountVolume.SetUp failed for volume \""
                + volume.getName()
                + "\" : "
                + (e instanceof KubernetesClientException k ? apiMessage(k) : e.getMessage()));
      }
    }
    if (!failures.isEmpty()) {
      throw new VolumeException(String.join("; ", failures));
    }
    return prepared;
  }

  /** Drops what is cached for a pod that is gone. */
  void forget(String podUid) {
    tokens.keySet().removeIf(k -> k.startsWith(podUid + "/"));
  }

  private Prepared prepare(Pod pod, Path podDir, Volume volume, String podIp, String hostIp)
      throws IOException {
    String ns = pod.getMetadata().getNamespace();
    Path dir = podDir.resolve("volumes").resolve(volume.getName());
    if (volume.getEmptyDir() != null) {
      Files.createDirectories(dir);
      // World-writable, as the kubelet makes it, so that a non-root container can use it.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return new Prepared(dir, false);
    }
    if (volume.getConfigMap() != null) {
      var source = volume.getConfigMap();
      return keyedFiles(
          dir,
          "configmap",
          source.getName(),
          lookup.configMap(ns, source.getName()).map(ObjectLookup::bytes),
          source.getItems(),
          source.getDefaultMode(),
          Boolean.TRUE.equals(source.getOptional()));
    }
    if (volume.getSecret() != null) {
      var source = volume.getSecret();
      return keyedFiles(
          dir,
          "secret",
          source.getSecretName(),
          lookup.secret(ns, source.getSecretName()).map(ObjectLookup::bytes),
          source.getItems(),
          source.getDefaultMode(),
          Boolean.TRUE.equals(source.getOptional()));
    }
    if (volume.getDownwardAPI() != null) {
      writeFiles(
          dir,
          VolumeFiles.downward(
              pod,
              volume.getDownwardAPI().getItems(),
              volume.getDownwardAPI().getDefaultMode(),
              podIp,
              hostIp,
              allocatable));
      return new Prepared(dir, true);
    }
    if (volume.getProjected() != null) {
      writeFiles(dir, projected(pod, volume, podIp, hostIp));
      return new Prepared(dir, true);
    }
    if (volume.getHostPath() != null) {
      return new Prepared(hostPath(volume.getHostPath()), false);
    }
    if (volume.getPersistentVolumeClaim() != null) {
      var source = volume.getPersistentVolumeClaim();
      Path path = claimPath(ns, source.getClaimName());
      return new Prepared(path, Boolean.TRUE.equals(source.getReadOnly()));
    }
    if (volume.getEphemeral() != null) {
      // The ephemeral volume controller names the claim <pod>-<volume>.
      return new Prepared(
          claimPath(ns, pod.getMetadata().getName() + "-" + volume.getName()), false);
    }
    throw new ContainerConfigException(
        "this volume type is not supported by the process kubelet (emptyDir, configMap, secret,"
            + " downwardAPI, projected, hostPath, persistentVolumeClaim and ephemeral are)");
  }

  private Map<String, VolumeFiles.File> projected(
      Pod pod, Volume volume, String podIp, String hostIp) {
    String ns = pod.getMetadata().getNamespace();
    Integer defaultMode = volume.getProjected().getDefaultMode();
    Map<String, VolumeFiles.File> files = new LinkedHashMap<>();
    for (VolumeProjection source : volume.getProjected().getSources()) {
      if (source.getConfigMap() != null) {
        var cmSource = source.getConfigMap();
        boolean optional = Boolean.TRUE.equals(cmSource.getOptional());
        Optional<Map<String, byte[]>> data =
            lookup.configMap(ns, cmSource.getName()).map(ObjectLookup::bytes);
        if (data.isEmpty() && cmSource.getName().equals("kube-root-ca.crt") && caCert.isPresent()) {
          // The root CA publisher may not have reached this namespace yet: use the CA we know.
          data = Optional.of(Map.of("ca.crt", readBytes(caCert.get())));
        }
        if (data.isEmpty() && !optional) {
          throw new ContainerConfigException("configmap \"" + cmSource.getName() + "\" not found");
        }
        files.putAll(
            VolumeFiles.keys(
                data.orElse(Map.of()),
                cmSource.getItems(),
                defaultMode,
                optional,
                "configmap " + cmSource.getName()));
      } else if (source.getSecret() != null) {
        var secretSource = source.getSecret();
        boolean optional = Boolean.TRUE.equals(secretSource.getOptional());
        Optional<Secret> secret = lookup.secret(ns, secretSource.getName());
        if (secret.isEmpty() && !optional) {
          throw new ContainerConfigException("secret \"" + secretSource.getName() + "\" not found");
        }
        files.putAll(
            VolumeFiles.keys(
                secret.map(ObjectLookup::bytes).orElse(Map.of()),
                secretSource.getItems(),
                defaultMode,
                optional,
                "secret " + secretSource.getName()));
      } else if (source.getDownwardAPI() != null) {
        files.putAll(
            VolumeFiles.downward(
                pod, source.getDownwardAPI().getItems(), defaultMode, podIp, hostIp, allocatable));
      } else if (source.getServiceAccountToken() != null) {
        ServiceAccountTokenProjection t = source.getServiceAccountToken();
        String token = token(pod, volume.getName(), t);
        files.put(
            VolumeFiles.checkPath(t.getPath()),
            new VolumeFiles.File(
                token.getBytes(StandardCharsets.UTF_8), defaultMode == null ? 0600 : defaultMode));
      }
      // clusterTrustBundle and podCertificate sources are not supported; they are skipped.
    }
    return files;
  }

  /**
   * A bound service account token from the TokenRequest API, renewed like the kubelet does once 80%
   * of its lifetime has passed.
   */
  private String token(Pod pod, String volumeName, ServiceAccountTokenProjection projection) {
    String key = pod.getMetadata().getUid() + "/" + volumeName + "/" + projection.getPath();
    Instant now = clock.instant();
    Token cached = tokens.get(key);
    if (cached != null && now.isBefore(cached.refreshAt())) {
      return cached.token();
    }
    String sa =
        Optional.ofNullable(pod.getSpec().getServiceAccountName())
            .filter(s -> !s.isEmpty())
            .orElse("default");
    long seconds =
        projection.getExpirationSeconds() == null ? 3600 : projection.getExpirationSeconds();
    TokenRequestBuilder request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(seconds)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec();
    if (projection.getAudience() != null && !projection.getAudience().isEmpty()) {
      request.editSpec().withAudiences(projection.getAudience()).endSpec();
    }
    TokenRequest response =
        client
            .serviceAccounts()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(sa)
            .tokenRequest(request.build());
    String token = response.getStatus().getToken();
    Instant expires =
        Optional.ofNullable(response.getStatus().getExpirationTimestamp())
            .map(Instant::parse)
            .orElse(now.plusSeconds(seconds));
    Duration life = Duration.between(now, expires);
    tokens.put(key, new Token(token, now.plus(life.multipliedBy(8).dividedBy(10))));
    return token;
  }

  private static Path hostPath(HostPathVolumeSource source) throws IOException {
    Path path = Path.of(source.getPath());
    String type = source.getType() == null ? "" : source.getType();
    switch (type) {
      case "DirectoryOrCreate" -> Files.createDirectories(path);
      case "FileOrCreate" -> {
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
          Files.createFile(path);
        }
      }
      case "Directory" -> {
        if (!Files.isDirectory(path)) {
          throw new ContainerConfigException(
              "hostPath type check failed: " + path + " is not a directory");
        }
      }
      case "File" -> {
        if (!Files.isRegularFile(path)) {
          throw new ContainerConfigException(
              "hostPath type check failed: " + path + " is not a file");
        }
      }
      default -> {
        if (!Files.exists(path)) {
          // Unset type: the runtime creates a missing path as a directory.
          Files.createDirectories(path);
        }
      }
    }
    return path;
  }

  /** The host dir of a bound claim's PersistentVolume (local or hostPath). */
  private Path claimPath(String ns, String claimName) throws IOException {
    PersistentVolumeClaim pvc =
        client.persistentVolumeClaims().inNamespace(ns).withName(claimName).get();
    if (pvc == null) {
      throw new ContainerConfigException("persistentvolumeclaim \"" + claimName + "\" not found");
    }
    String pvName = pvc.getSpec().getVolumeName();
    if (pvName == null
        || pvName.isEmpty()
        || pvc.getStatus() == null
        || !"Bound".equals(pvc.getStatus().getPhase())) {
      throw new ContainerConfigException(
          "persistentvolumeclaim \"" + claimName + "\" is not bound");
    }
    PersistentVolume pv = client.persistentVolumes().withName(pvName).get();
    if (pv == null) {
      throw new ContainerConfigException("persistentvolume \"" + pvName + "\" not found");
    }
    String path =
        pv.getSpec().getLocal() != null
            ? pv.getSpec().getLocal().getPath()
            : pv.getSpec().getHostPath() != null ? pv.getSpec().getHostPath().getPath() : null;
    if (path == null) {
      throw new ContainerConfigException(
          "persistentvolume \"" + pvName + "\" is neither local nor hostPath");
    }
    Path dir = Path.of(path);
    Files.createDirectories(dir);
    return dir;
  }

  /**
   * Makes {@code dir} hold exactly {@code files}: changed files are replaced by an atomic rename,
   * unchanged ones are left alone, others are removed.
   */
  static void writeFiles(Path dir, Map<String, VolumeFiles.File> files) throws IOException {
    Files.createDirectories(dir);
    Set<Path> wanted = new HashSet<>();
    for (Map.Entry<String, VolumeFiles.File> e : files.entrySet()) {
      Path target = dir.resolve(e.getKey()).normalize();
      wanted.add(target);
      Set<PosixFilePermission> perms = permissions(e.getValue().mode());
      if (Files.isRegularFile(target)
          && Arrays.equals(Files.readAllBytes(target), e.getValue().content())
          && Files.getPosixFilePermissions(target).equals(perms)) {
        continue;
      }
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(".." + target.getFileName() + ".tmp");
      Files.write(tmp, e.getValue().content());
      Files.setPosixFilePermissions(tmp, perms);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (p.equals(dir)) {
          continue;
        }
        if (Files.isDirectory(p)) {
          boolean needed = wanted.stream().anyMatch(w -> w.startsWith(p));
          if (!needed) {
            deleteTree(p);
          }
        } else if (!wanted.contains(p)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    return perms;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ContainerConfigException("cannot read " + file + ": " + e.getMessage());
    }
  }

  static String apiMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }

  /** A ConfigMap or Secret volume: one file per key (or per item), a missing object refused. */
  private Prepared keyedFiles(
      Path dir,
      String kind,
      String name,
      Optional<Map<String, byte[]>> data,
      List<KeyToPath> items,
      Integer defaultMode,
      boolean optional)
      throws IOException {
    if (data.isEmpty() && !optional) {
      throw new ContainerConfigException(kind + " \"" + name + "\" not found");
    }
    writeFiles(
        dir,
        VolumeFiles.keys(data.orElse(Map.of()), items, defaultMode, optional, kind + " " + name));
    return new Prepared(dir, true);
  }
}
