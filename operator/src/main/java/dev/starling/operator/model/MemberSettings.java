package dev.starling.operator.model;

import java.util.Map;

/**
 * The replica-set config settings the spec asks for one data member: its memberConfig entry, or
 * MongoDB's defaults (priority 1, votes 1, visible, not delayed, no tags) when it has none.
 */
public record MemberSettings(
    double priority, int votes, boolean hidden, long secondaryDelaySecs, Map<String, String> tags) {
  public static final MemberSettings DEFAULT = new MemberSettings(1, 1, false, 0, Map.of());

  public MemberSettings {
    tags = Map.copyOf(tags);
  }

  /** Can stand for election: votes, priority above 0, visible and not delayed. */
  public boolean electable() {
    return priority > 0 && votes > 0 && !hidden && secondaryDelaySecs == 0;
  }
}
