package dev.starling.node.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Decides whether a {@code runOnRequirements} list fits one of our topologies. The list is met when
 * any one of its entries is; an entry is met when all its fields are. The answer is null when the
 * requirements fit, else the reason they do not.
 */
final class Requirements {
  private final Deployment deployment;

  Requirements(Deployment deployment) {
    this.deployment = deployment;
  }

  /** Null when {@code list} (possibly null) fits {@code topology}, else why not. */
  String unmetReason(BsonArray list, Topology topology) {
    if (list == null || list.isEmpty()) {
      return null;
    }
    List<String> reasons = new ArrayList<>();
    for (BsonValue entry : list) {
      String reason = unmet(entry.asDocument(), topology);
      if (reason == null) {
        return null;
      }
      reasons.add(reason);
    }
    return String.join(" / ", reasons);
  }

  private String unmet(BsonDocument requirement, Topology topology) {
    for (Map.Entry<String, BsonValue> field : requirement.entrySet()) {
      BsonValue value = field.getValue();
      String reason =
          switch (field.getKey()) {
            case "minServerVersion" ->
                compareVersions(Deployment.SERVER_VERSION, value.asString().getValue()) < 0
                    ? "needs server >= " + value.asString().getValue()
                    : null;
            case "maxServerVersion" ->
                compareVersions(Deployment.SERVER_VERSION, value.asString().getValue()) > 0
                    ? "needs server <= " + value.asString().getValue()
                    : null;
            case "topologies" -> {
              for (BsonValue t : value.asArray()) {
                if (t.asString().getValue().equals(topology.specName)) {
                  yield null;
                }
              }
              yield "needs topology " + topologies(value.asArray());
            }
            case "serverless" ->
                value.asString().getValue().equals("require") ? "needs serverless" : null;
            case "auth" -> value.asBoolean().getValue() ? "needs auth" : null;
            case "authMechanism" -> "needs auth mechanism " + value.asString().getValue();
            case "csfle" -> value.asBoolean().getValue() ? "needs csfle" : null;
            case "serverParameters" -> unmetParameters(value.asDocument(), topology);
            default -> "unknown requirement " + field.getKey();
          };
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  private String unmetParameters(BsonDocument parameters, Topology topology) {
    ValueMatcher matcher = new ValueMatcher(ValueMatcher.NO_ENTITIES);
    for (Map.Entry<String, BsonValue> parameter : parameters.entrySet()) {
      BsonValue actual = deployment.serverParameter(topology, parameter.getKey());
      try {
        matcher.matchExactly(parameter.getValue(), actual);
      } catch (ValueMatcher.MatchFailure e) {
        return "needs server parameter " + parameter.getKey() + "=" + parameter.getValue();
      }
    }
    return null;
  }

  private static String topologies(BsonArray array) {
    List<String> names = new ArrayList<>();
    for (BsonValue v : array) {
      names.add(v.asString().getValue());
    }
    return String.join("|", names);
  }

  /** Compares dotted versions numerically; missing components count as zero. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? Integer.parseInt(x[i]) : 0;
      int q = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }
}
