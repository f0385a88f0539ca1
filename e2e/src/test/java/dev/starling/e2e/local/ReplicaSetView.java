package dev.starling.e2e.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code starling.dev/v1alpha1} ReplicaSet as the API server returns it, read the way a GitOps
 * tool reads it: through its generic JSON, not the operator's classes.
 */
record ReplicaSetView(GenericKubernetesResource resource) {

  long generation() {
    Long g = resource.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  String resourceVersion() {
    return resource.getMetadata().getResourceVersion();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> status() {
    Object s = resource.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> spec() {
    Object s = resource.getAdditionalProperties().get("spec");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  long observedGeneration() {
    return status().get("observedGeneration") instanceof Number n ? n.longValue() : 0;
  }

  Optional<Map<String, Object>> condition(String type) {
    return conditions().stream().filter(c -> type.equals(c.get("type"))).findFirst();
  }

  boolean conditionTrue(String type) {
    return condition(type).map(c -> "True".equals(c.get("status"))).orElse(false);
  }

  String conditionReason(String type) {
    return condition(type).map(c -> String.valueOf(c.get("reason"))).orElse("");
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> conditions() {
    Object c = status().get("conditions");
    return c instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> members() {
    Object m = status().get("members");
    return m instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  Optional<Map<String, Object>> member(String name) {
    return members().stream().filter(m -> name.equals(m.get("name"))).findFirst();
  }

  String primary() {
    return String.valueOf(status().get("primary"));
  }

  String text(String field) {
    Object v = status().get(field);
    return v == null ? "" : String.valueOf(v);
  }

  int specMembers() {
    return spec().get("members") instanceof Number n ? n.intValue() : 3;
  }

  /** Ready as kstatus reads it: the latest generation observed, Ready true, nothing in progress. */
  boolean ready() {
    return observedGeneration() == generation()
        && conditionTrue("Ready")
        && !conditionTrue("Reconciling")
        && !conditionTrue("Stalled");
  }
}
