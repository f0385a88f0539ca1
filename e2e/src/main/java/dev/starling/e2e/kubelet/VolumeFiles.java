package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which files a configMap, secret or downwardAPI volume (or projected source) holds: relative path
 * to content and mode. Pure; {@link VolumeManager} writes the result.
 */
final class VolumeFiles {

  /** The kubelet's default file mode for these volumes, 0644. */
  static final int DEFAULT_MODE = 0644;

  /** One file of a volume. {@code mode} holds permission bits, like the API's (decimal) field. */
  record File(byte[] content, int mode) {}

  private VolumeFiles() {}

  /**
   * The files for a ConfigMap's or Secret's {@code data}: every key, or only {@code items} (with
   * their path and mode). A key named in items but absent is an error unless {@code optional}.
   */
  static Map<String, File> keys(
      Map<String, byte[]> data,
      List<KeyToPath> items,
      Integer defaultMode,
      boolean optional,
      String what) {
    int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
    Map<String, File> files = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      data.forEach((key, value) -> files.put(checkPath(key), new File(value, mode)));
      return files;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value == null) {
        if (optional) {
          continue;
        }
        throw new ContainerConfigException(
            what + " references non-existent config key: " + item.getKey());
      }
      files.put(
          checkPath(item.getPath()),
          new File(value, item.getMode() == null ? mode : item.getMode()));
    }
    return files;
  }

  static Map<String, File> downward(
      Pod pod,
      List<DownwardAPIVolumeFile> items,
      Integer defaultMode,
      String podIp,
      String hostIp,
      DownwardApi.Allocatable allocatable) {
    int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
    Map<String, File> files = new LinkedHashMap<>();
    for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
      String value;
      if (item.getFieldRef() != null) {
        value = DownwardApi.field(pod, item.getFieldRef().getFieldPath(), podIp, hostIp, true);
      } else if (item.getResourceFieldRef() != null) {
        value =
            DownwardApi.resource(
                pod,
                item.getResourceFieldRef().getContainerName(),
                item.getResourceFieldRef().getResource(),
                item.getResourceFieldRef().getDivisor(),
                allocatable);
      } else {
        continue;
      }
      files.put(
          checkPath(item.getPath()),
          new File(
              value.getBytes(StandardCharsets.UTF_8),
              item.getMode() == null ? mode : item.getMode()));
    }
    return files;
  }

  /** A volume file path must stay inside the volume. */
  static String checkPath(String path) {
    if (path == null
        || path.isEmpty()
        || path.startsWith("/")
        || List.of(path.split("/")).contains("..")) {
      throw new ContainerConfigException("invalid volume file path: " + path);
    }
    return path;
  }
}
