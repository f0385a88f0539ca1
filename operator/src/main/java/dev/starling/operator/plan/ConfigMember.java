package dev.starling.operator.plan;

import java.util.Map;

/**
 * One entry of a replica-set config's {@code members}. {@code newlyAdded} is the node's mark on a
 * member added with a vote that has not caught up yet: it neither votes nor counts for majorities.
 */
public record ConfigMember(
    int id,
    String host,
    boolean arbiterOnly,
    double priority,
    int votes,
    boolean hidden,
    long secondaryDelaySecs,
    Map<String, String> tags,
    boolean newlyAdded) {

  public ConfigMember {
    tags = Map.copyOf(tags);
  }

  /** A plain data member: priority 1, votes 1. */
  public static ConfigMember of(int id, String host) {
    return new ConfigMember(id, host, false, 1, 1, false, 0, Map.of(), false);
  }

  public static ConfigMember arbiter(int id, String host) {
    return new ConfigMember(id, host, true, 0, 1, false, 0, Map.of(), false);
  }

  /** Votes now and counts for majorities. */
  public boolean isVoter() {
    return votes > 0 && !newlyAdded;
  }

  /** Configured with a vote, whether or not it may use it yet (what the 7-voter limit counts). */
  public boolean hasVote() {
    return votes > 0;
  }

  /** Can stand for election once it is caught up. */
  public boolean electable() {
    return !arbiterOnly && priority > 0 && votes > 0 && !hidden && secondaryDelaySecs == 0;
  }

  /** The same member with the settings a reconfig may change (id, host and role stay). */
  public ConfigMember withSettings(
      double priority, int votes, boolean hidden, long delaySecs, Map<String, String> tags) {
    return new ConfigMember(
        id, host, arbiterOnly, priority, votes, hidden, delaySecs, tags, newlyAdded);
  }

  public ConfigMember withPriority(double p) {
    return withSettings(p, votes, hidden, secondaryDelaySecs, tags);
  }

  /** Equal in every setting a reconfig may change (newlyAdded is the node's business). */
  public boolean sameSettings(ConfigMember o) {
    return priority == o.priority
        && votes == o.votes
        && hidden == o.hidden
        && secondaryDelaySecs == o.secondaryDelaySecs
        && tags.equals(o.tags);
  }
}
