package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Values of the downward API (fieldRef and resourceFieldRef), shared by env vars and downwardAPI
 * volumes. Pure: the pod's addresses come from the caller because the API object may lag behind.
 */
final class DownwardApi {

  private static final Pattern MAP_KEY =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");

  /** What the node offers; a container without a limit sees these as its limits. */
  record Allocatable(Quantity cpu, Quantity memory, Quantity ephemeralStorage) {
    static final Allocatable DEFAULT =
        new Allocatable(new Quantity("2"), new Quantity("8Gi"), new Quantity("100Gi"));
  }

  private DownwardApi() {}

  /**
   * The value of a fieldRef path. {@code forVolume} allows the whole-map forms {@code
   * metadata.labels} and {@code metadata.annotations}, which only volumes support.
   */
  static String field(Pod pod, String path, String podIp, String hostIp, boolean forVolume) {
    Matcher m = MAP_KEY.matcher(path);
    if (m.matches()) {
      Map<String, String> map =
          m.group(1).equals("labels")
              ? pod.getMetadata().getLabels()
              : pod.getMetadata().getAnnotations();
      return map == null ? "" : map.getOrDefault(m.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> nullToEmpty(pod.getSpec().getNodeName());
      case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
      case "status.podIP", "status.podIPs" -> nullToEmpty(podIp);
      case "status.hostIP", "status.hostIPs" -> nullToEmpty(hostIp);
      case "metadata.labels" -> {
        if (!forVolume) {
          throw new ContainerConfigException("fieldRef " + path + " is supported only in volumes");
        }
        yield formatMap(pod.getMetadata().getLabels());
      }
      case "metadata.annotations" -> {
        if (!forVolume) {
          throw new ContainerConfigException("fieldRef " + path + " is supported only in volumes");
        }
        yield formatMap(pod.getMetadata().getAnnotations());
      }
      default -> throw new ContainerConfigException("unsupported fieldRef fieldPath: " + path);
    };
  }

  /**
   * A resourceFieldRef value: the container's request or limit (a missing limit is the node's
   * allocatable) divided by {@code divisor} and rounded up, as the kubelet does.
   */
  static String resource(
      Pod pod, String containerName, String resource, Quantity divisor, Allocatable node) {
    Container container =
        Stream.concat(
                pod.getSpec().getContainers().stream(),
                Optional.ofNullable(pod.getSpec().getInitContainers()).stream()
                    .flatMap(java.util.List::stream))
            .filter(c -> c.getName().equals(containerName))
            .findFirst()
            .orElseThrow(
                () ->
                    new ContainerConfigException(
                        "resourceFieldRef names unknown container " + containerName));
    Map<String, Quantity> limits =
        container.getResources() == null || container.getResources().getLimits() == null
            ? Map.of()
            : container.getResources().getLimits();
    Map<String, Quantity> requests =
        container.getResources() == null || container.getResources().getRequests() == null
            ? Map.of()
            : container.getResources().getRequests();
    int dot = resource.indexOf('.');
    if (dot < 0) {
      throw new ContainerConfigException("unsupported resourceFieldRef resource: " + resource);
    }
    String kind = resource.substring(0, dot);
    String name = resource.substring(dot + 1);
    Quantity nodeValue =
        switch (name) {
          case "cpu" -> node.cpu();
          case "memory" -> node.memory();
          case "ephemeral-storage" -> node.ephemeralStorage();
          default ->
              throw new ContainerConfigException(
                  "unsupported resourceFieldRef resource: " + resource);
        };
    Quantity value =
        switch (kind) {
          case "limits" -> limits.getOrDefault(name, nodeValue);
          case "requests" -> requests.getOrDefault(name, limits.get(name));
          default ->
              throw new ContainerConfigException(
                  "unsupported resourceFieldRef resource: " + resource);
        };
    BigDecimal amount = value == null ? BigDecimal.ZERO : value.getNumericalAmount();
    BigDecimal by =
        divisor == null || divisor.getAmount() == null
            ? BigDecimal.ONE
            : divisor.getNumericalAmount();
    if (by.signum() == 0) {
      by = BigDecimal.ONE;
    }
    return amount.divide(by, 0, RoundingMode.CEILING).toPlainString();
  }

  /** {@code key="value"} lines, sorted, values quoted as Go's %q does for printable text. */
  static String formatMap(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return "";
    }
    return new TreeMap<>(map)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + quote(e.getValue()))
            .collect(Collectors.joining("\n"));
  }

  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
