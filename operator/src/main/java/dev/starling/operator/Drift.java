package dev.starling.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an object in the cluster already has every field the operator wants: the desired object
 * is a subset of the actual one. The API server adds defaults (a pod template's dnsPolicy, a
 * claim's volumeMode, a Service's clusterIPs) and status; neither is drift. Lists compare element
 * by element, since the operator sends them whole. Quantities compare by value ("1Gi" is "1024Mi").
 * An empty object or list the operator sends matches one the server dropped.
 */
final class Drift {
  private Drift() {}

  /** The first path at which {@code actual} lacks or differs from {@code desired}, if any. */
  static Optional<String> firstDifference(JsonNode actual, JsonNode desired) {
    return diff(actual, desired, "");
  }

  private static Optional<String> diff(JsonNode actual, JsonNode desired, String path) {
    if (desired == null || desired.isNull()) {
      return Optional.empty();
    }
    if (actual == null || actual.isNull() || actual.isMissingNode()) {
      return isEmpty(desired) ? Optional.empty() : Optional.of(path.isEmpty() ? "/" : path);
    }
    if (desired.isObject()) {
      if (!actual.isObject()) {
        return Optional.of(path);
      }
      Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        Optional<String> d = diff(actual.get(f.getKey()), f.getValue(), path + "/" + f.getKey());
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return Optional.of(path);
      }
      for (int i = 0; i < desired.size(); i++) {
        Optional<String> d = diff(actual.get(i), desired.get(i), path + "/" + i);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (actual.equals(desired) || sameQuantity(actual, desired) || sameNumber(actual, desired)) {
      return Optional.empty();
    }
    return Optional.of(path);
  }

  private static boolean isEmpty(JsonNode n) {
    return (n.isObject() || n.isArray()) && n.isEmpty();
  }

  private static boolean sameNumber(JsonNode a, JsonNode b) {
    return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  private static boolean sameQuantity(JsonNode a, JsonNode b) {
    if (!a.isTextual() || !b.isTextual()) {
      return false;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(a.asText()))
              .compareTo(Quantity.getAmountInBytes(new Quantity(b.asText())))
          == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
