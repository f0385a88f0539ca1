package dev.starling.e2e.kubelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the kubelet's part of a pod's status with a JSON merge patch on the status subresource,
 * only when it differs from what the API shows (or from what was just sent, while the watch has not
 * caught up): the kubelet resyncs every pod every few seconds and must not write each time.
 */
final class PodStatusWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TRUST_SENT = Duration.ofSeconds(10);

  private record Sent(JsonNode status, Instant at) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();

  PodStatusWriter(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Patches when needed; returns true when it wrote. */
  boolean write(Pod observed, PodStatus desired) {
    JsonNode want = normalize(JSON.valueToTree(desired));
    JsonNode have =
        normalize(
            observed.getStatus() == null
                ? JSON.createObjectNode()
                : JSON.valueToTree(observed.getStatus()));
    String uid = observed.getMetadata().getUid();
    if (covers(have, want)) {
      return false;
    }
    Sent last = sent.get(uid);
    Instant now = clock.instant();
    if (last != null
        && last.status().equals(want)
        && Duration.between(last.at(), now).compareTo(TRUST_SENT) < 0) {
      return false; // the watch has not shown our last write yet
    }
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", want);
    try {
      client
          .pods()
          .inNamespace(observed.getMetadata().getNamespace())
          .withName(observed.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // the pod is gone
      }
      throw e;
    }
    sent.put(uid, new Sent(want, now));
    return true;
  }

  void forget(String uid) {
    sent.remove(uid);
  }

  /** True when every field we set has the same value in what the API shows. */
  static boolean covers(JsonNode have, JsonNode want) {
    for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().equals(have.get(field.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Drops nulls, empty objects and empty arrays, which the API omits. */
  static JsonNode normalize(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      node.fields()
          .forEachRemaining(
              e -> {
                JsonNode v = normalize(e.getValue());
                if (!v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                  out.set(e.getKey(), v);
                }
              });
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(v -> out.add(normalize(v)));
      return out;
    }
    return node;
  }
}
