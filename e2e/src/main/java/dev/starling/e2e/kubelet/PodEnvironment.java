package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Computes how a container is started: its environment, argv and working directory, from the pod,
 * the image and the ConfigMaps and Secrets it refers to. Pure apart from the lookups.
 *
 * <p>The environment is built in this order, later entries overriding earlier ones: the image's ENV
 * (with PATH), HOSTNAME, the kubernetes Service variables, envFrom, env. {@code $(VAR)} in env
 * values sees the Service variables and the variables defined before it; command and args see all
 * but the image's ENV, as in the kubelet (the runtime adds the image's ENV later).
 */
final class PodEnvironment {

  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  /**
   * The node and cluster facts a container sees.
   *
   * @param users the host's /etc/passwd as name to [uid, gid], for an image USER given by name
   */
  record Context(
      String hostname,
      String podIp,
      String hostIp,
      String apiHost,
      int apiPort,
      DownwardApi.Allocatable allocatable,
      Map<String, List<Long>> users) {}

  /** Who the container's processes run as; root is {@code 0, 0, []}. */
  record Identity(long uid, long gid, List<Long> groups) {
    static final Identity ROOT = new Identity(0, 0, List.of());

    boolean root() {
      return uid == 0 && gid == 0 && groups.isEmpty();
    }
  }

  /**
   * How to start the container.
   *
   * @param warnings things skipped on the way (invalid envFrom keys), for an Event
   */
  record Launch(
      Map<String, String> env,
      List<String> argv,
      String workingDir,
      Identity identity,
      List<String> warnings) {}

  private PodEnvironment() {}

  static Launch compute(
      Pod pod, Container container, LocalImage image, Context context, ObjectLookup lookup) {
    String namespace = pod.getMetadata().getNamespace();
    List<String> warnings = new ArrayList<>();

    Map<String, String> service = serviceEnv(context.apiHost(), context.apiPort());
    // What $(VAR) may refer to: Service variables and the container's variables so far.
    Map<String, String> kube = new LinkedHashMap<>(service);

    for (EnvFromSource from : list(container.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, byte[]> data;
      if (from.getConfigMapRef() != null) {
        String name = from.getConfigMapRef().getName();
        Optional<ConfigMap> cm = lookup.configMap(namespace, name);
        if (cm.isEmpty()) {
          if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            continue;
          }
          throw new ContainerConfigException("configmap \"" + name + "\" not found");
        }
        data = ObjectLookup.bytes(cm.get());
      } else if (from.getSecretRef() != null) {
        String name = from.getSecretRef().getName();
        Optional<Secret> secret = lookup.secret(namespace, name);
        if (secret.isEmpty()) {
          if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
            continue;
          }
          throw new ContainerConfigException("secret \"" + name + "\" not found");
        }
        data = ObjectLookup.bytes(secret.get());
      } else {
        continue;
      }
      for (Map.Entry<String, byte[]> e : data.entrySet()) {
        String key = prefix + e.getKey();
        if (!ENV_NAME.matcher(key).matches()) {
          warnings.add(key);
          continue;
        }
        kube.put(key, new String(e.getValue(), StandardCharsets.UTF_8));
      }
    }

    for (EnvVar var : list(container.getEnv())) {
      String value;
      if (var.getValueFrom() != null) {
        value = valueFrom(pod, container, var, context, lookup);
        if (value == null) {
          continue; // an optional reference that is missing: the variable is not set
        }
      } else {
        String raw = var.getValue() == null ? "" : var.getValue();
        Map<String, String> soFar = kube;
        value = EnvExpansion.expand(raw, soFar::get);
      }
      kube.put(var.getName(), value);
    }

    Identity identity = identity(pod, container, image.user(), context.users());
    Map<String, String> env = new LinkedHashMap<>(image.env());
    env.putIfAbsent("PATH", ImageTable.DEFAULT_PATH);
    env.put("HOSTNAME", context.hostname());
    env.putAll(kube);
    // As container runtimes do when the image sets none: root's home, or / for anyone else.
    env.putIfAbsent("HOME", identity.uid() == 0 ? "/root" : "/");

    List<String> argv = argv(container, image, kube);
    String workingDir =
        container.getWorkingDir() != null && !container.getWorkingDir().isBlank()
            ? container.getWorkingDir()
            : (image.workdir() == null || image.workdir().isBlank() ? "/" : image.workdir());
    if (argv.isEmpty()) {
      throw new ContainerConfigException(
          "no command specified: the image " + image.image() + " has no ENTRYPOINT or CMD");
    }
    return new Launch(
        Collections.unmodifiableMap(env),
        List.copyOf(argv),
        workingDir,
        identity,
        warnings.isEmpty()
            ? List.of()
            : List.of("Keys [" + String.join(", ", warnings) + "] from envFrom were skipped"));
  }

  /**
   * Kubernetes' rules: {@code command} replaces ENTRYPOINT and drops CMD; {@code args} replaces
   * CMD. Both have {@code $(VAR)} expanded.
   */
  static List<String> argv(Container container, LocalImage image, Map<String, String> env) {
    List<String> command = list(container.getCommand());
    List<String> args = list(container.getArgs());
    List<String> argv = new ArrayList<>();
    if (!command.isEmpty()) {
      command.forEach(c -> argv.add(EnvExpansion.expand(c, env::get)));
      args.forEach(a -> argv.add(EnvExpansion.expand(a, env::get)));
    } else if (!args.isEmpty()) {
      argv.addAll(image.entrypoint());
      args.forEach(a -> argv.add(EnvExpansion.expand(a, env::get)));
    } else {
      argv.addAll(image.entrypoint());
      argv.addAll(image.cmd());
    }
    return argv;
  }

  /**
   * The user and groups, as the kubelet and runtime decide them: runAsUser and runAsGroup of the
   * container, else of the pod, else the image's USER (a name is looked up in {@code users}); the
   * pod's supplementalGroups and fsGroup are added. runAsNonRoot refuses uid 0.
   */
  static Identity identity(
      Pod pod, Container container, String imageUser, Map<String, List<Long>> users) {
    var podContext = pod.getSpec().getSecurityContext();
    var context = container.getSecurityContext();
    Long uid = context == null ? null : context.getRunAsUser();
    Long gid = context == null ? null : context.getRunAsGroup();
    Boolean nonRoot = context == null ? null : context.getRunAsNonRoot();
    if (podContext != null) {
      uid = uid != null ? uid : podContext.getRunAsUser();
      gid = gid != null ? gid : podContext.getRunAsGroup();
      nonRoot = nonRoot != null ? nonRoot : podContext.getRunAsNonRoot();
    }
    if (imageUser != null && !imageUser.isBlank()) {
      String[] parts = imageUser.strip().split(":", 2);
      Long imageUid = id(parts[0], users, 0);
      // A bare numeric USER runs with group 0, as in Docker; a name brings its primary group.
      Long imageGid =
          parts.length > 1
              ? id(parts[1], users, 1)
              : numeric(parts[0]) ? Long.valueOf(0) : id(parts[0], users, 1);
      if (imageUid == null) {
        throw new ContainerConfigException("the image's USER " + parts[0] + " is not a known user");
      }
      if (uid == null) {
        uid = imageUid;
        gid = gid != null ? gid : imageGid;
      }
    }
    long u = uid == null ? 0 : uid;
    if (Boolean.TRUE.equals(nonRoot) && u == 0) {
      throw new ContainerConfigException("container has runAsNonRoot and image will run as root");
    }
    List<Long> groups = new ArrayList<>();
    if (podContext != null) {
      Optional.ofNullable(podContext.getSupplementalGroups()).ifPresent(groups::addAll);
      if (podContext.getFsGroup() != null && !groups.contains(podContext.getFsGroup())) {
        groups.add(podContext.getFsGroup());
      }
    }
    return new Identity(u, gid == null ? 0 : gid, List.copyOf(groups));
  }

  /** A numeric id, or a name's uid (field 0) or gid (field 1) from {@code users}. */
  private static Long id(String value, Map<String, List<Long>> users, int field) {
    if (numeric(value)) {
      return Long.parseLong(value);
    }
    List<Long> entry = users.get(value);
    return entry == null ? null : entry.get(field);
  }

  private static boolean numeric(String value) {
    return !value.isEmpty() && value.chars().allMatch(Character::isDigit);
  }

  /** What the kubelet sets for the default/kubernetes Service (the API server). */
  static Map<String, String> serviceEnv(String host, int port) {
    Map<String, String> env = new LinkedHashMap<>();
    String url = "tcp://" + host + ":" + port;
    env.put("KUBERNETES_SERVICE_HOST", host);
    env.put("KUBERNETES_SERVICE_PORT", String.valueOf(port));
    env.put("KUBERNETES_SERVICE_PORT_HTTPS", String.valueOf(port));
    env.put("KUBERNETES_PORT", url);
    env.put("KUBERNETES_PORT_" + port + "_TCP", url);
    env.put("KUBERNETES_PORT_" + port + "_TCP_PROTO", "tcp");
    env.put("KUBERNETES_PORT_" + port + "_TCP_PORT", String.valueOf(port));
    env.put("KUBERNETES_PORT_" + port + "_TCP_ADDR", host);
    return env;
  }

  /** Null when an optional reference is missing. */
  private static String valueFrom(
      Pod pod, Container container, EnvVar var, Context context, ObjectLookup lookup) {
    EnvVarSource from = var.getValueFrom();
    String namespace = pod.getMetadata().getNamespace();
    if (from.getFieldRef() != null) {
      return DownwardApi.field(
          pod, from.getFieldRef().getFieldPath(), context.podIp(), context.hostIp(), false);
    }
    if (from.getResourceFieldRef() != null) {
      String name =
          from.getResourceFieldRef().getContainerName() == null
                  || from.getResourceFieldRef().getContainerName().isEmpty()
              ? container.getName()
              : from.getResourceFieldRef().getContainerName();
      return DownwardApi.resource(
          pod,
          name,
          from.getResourceFieldRef().getResource(),
          from.getResourceFieldRef().getDivisor(),
          context.allocatable());
    }
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Optional<ConfigMap> cm = lookup.configMap(namespace, ref.getName());
      if (cm.isEmpty()) {
        if (optional) {
          return null;
        }
        throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
      }
      byte[] value = ObjectLookup.bytes(cm.get()).get(ref.getKey());
      if (value == null) {
        if (optional) {
          return null;
        }
        throw new ContainerConfigException(
            "couldn't find key "
                + ref.getKey()
                + " in ConfigMap "
                + namespace
                + "/"
                + ref.getName());
      }
      return new String(value, StandardCharsets.UTF_8);
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Optional<Secret> secret = lookup.secret(namespace, ref.getName());
      if (secret.isEmpty()) {
        if (optional) {
          return null;
        }
        throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
      }
      byte[] value = ObjectLookup.bytes(secret.get()).get(ref.getKey());
      if (value == null) {
        if (optional) {
          return null;
        }
        throw new ContainerConfigException(
            "couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
      }
      return new String(value, StandardCharsets.UTF_8);
    }
    throw new ContainerConfigException("env " + var.getName() + ": unsupported valueFrom");
  }

  private static <T> List<T> list(List<T> maybe) {
    return maybe == null ? List.of() : maybe;
  }
}
