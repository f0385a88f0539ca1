package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the ConfigMaps and Secrets a pod refers to; empty when the object does not exist. */
interface ObjectLookup {

  Optional<ConfigMap> configMap(String namespace, String name);

  Optional<Secret> secret(String namespace, String name);

  /** A ConfigMap's data and binaryData as bytes. */
  static Map<String, byte[]> bytes(ConfigMap configMap) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (configMap.getData() != null) {
      configMap.getData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (configMap.getBinaryData() != null) {
      configMap.getBinaryData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
    }
    return out;
  }

  /** A Secret's data, decoded (the API returns it base64-encoded; stringData is write-only). */
  static Map<String, byte[]> bytes(Secret secret) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> out.put(k, Base64.getMimeDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret
          .getStringData()
          .forEach((k, v) -> out.putIfAbsent(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
