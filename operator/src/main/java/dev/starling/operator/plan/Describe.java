package dev.starling.operator.plan;

import java.util.ArrayList;
import java.util.List;

/** Words for config changes, for Events and messages. */
final class Describe {
  private Describe() {}

  static String changes(ConfigMember before, ConfigMember after) {
    List<String> parts = new ArrayList<>();
    if (before.priority() != after.priority()) {
      parts.add("priority " + num(before.priority()) + " -> " + num(after.priority()));
    }
    if (before.votes() != after.votes()) {
      parts.add("votes " + before.votes() + " -> " + after.votes());
    }
    if (before.hidden() != after.hidden()) {
      parts.add("hidden " + before.hidden() + " -> " + after.hidden());
    }
    if (before.secondaryDelaySecs() != after.secondaryDelaySecs()) {
      parts.add(
          "secondaryDelaySecs "
              + before.secondaryDelaySecs()
              + " -> "
              + after.secondaryDelaySecs());
    }
    if (!before.tags().equals(after.tags())) {
      parts.add("tags " + before.tags() + " -> " + after.tags());
    }
    return parts.isEmpty() ? "no change" : String.join(", ", parts);
  }

  static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** The pod name of a member host: the host's first label. */
  static String pod(String host) {
    int dot = host.indexOf('.');
    if (dot > 0) {
      return host.substring(0, dot);
    }
    int colon = host.indexOf(':');
    return colon > 0 ? host.substring(0, colon) : host;
  }
}
