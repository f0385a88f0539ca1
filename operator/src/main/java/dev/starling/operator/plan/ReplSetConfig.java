package dev.starling.operator.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A replica-set config as the planner sees it: what replSetGetConfig reports, or what a
 * replSetInitiate / replSetReconfig should install. {@code term} is informational (the primary
 * stamps its own); {@code writeConcernModes} is {@code settings.getLastErrorModes}. The reconciler
 * sends a planned config by patching these fields into the document it read, which keeps the fields
 * the planner does not manage (replicaSetId, heartbeatTimeoutSecs, ...).
 */
public record ReplSetConfig(
    String name,
    int version,
    long term,
    List<ConfigMember> members,
    ConfigSettings settings,
    Map<String, Map<String, Integer>> writeConcernModes) {

  public ReplSetConfig {
    members = List.copyOf(members);
    Map<String, Map<String, Integer>> modes = new TreeMap<>();
    writeConcernModes.forEach((k, v) -> modes.put(k, Map.copyOf(v)));
    writeConcernModes = Map.copyOf(modes);
  }

  public Optional<ConfigMember> member(String host) {
    return members.stream().filter(m -> m.host().equals(host)).findFirst();
  }

  /** The hosts that vote now (newlyAdded members do not yet). */
  public Set<String> voterHosts() {
    Set<String> hosts = new LinkedHashSet<>();
    members.stream().filter(ConfigMember::isVoter).forEach(m -> hosts.add(m.host()));
    return hosts;
  }

  /** A majority of the voters: what elections and {@code w: "majority"} need. */
  public int majority() {
    return voterHosts().size() / 2 + 1;
  }

  /** This config with {@code member} replacing the entry of its host, or appended. */
  public ReplSetConfig with(ConfigMember member) {
    List<ConfigMember> next = new ArrayList<>();
    boolean replaced = false;
    for (ConfigMember m : members) {
      if (m.host().equals(member.host())) {
        next.add(member);
        replaced = true;
      } else {
        next.add(m);
      }
    }
    if (!replaced) {
      next.add(member);
    }
    return new ReplSetConfig(name, version, term, next, settings, writeConcernModes);
  }

  public ReplSetConfig without(String host) {
    List<ConfigMember> next = new ArrayList<>(members);
    next.removeIf(m -> m.host().equals(host));
    return new ReplSetConfig(name, version, term, next, settings, writeConcernModes);
  }

  public ReplSetConfig withSettings(
      ConfigSettings newSettings, Map<String, Map<String, Integer>> modes) {
    return new ReplSetConfig(name, version, term, members, newSettings, modes);
  }

  /** The version a reconfig of this config must carry. */
  public ReplSetConfig nextVersion() {
    return new ReplSetConfig(name, version + 1, term, members, settings, writeConcernModes);
  }

  /**
   * MongoDB's implicit default write concern: {@code w: 1} when there is an arbiter and the
   * data-bearing voters are no more than a majority of the voters, else {@code "majority"}. A
   * reconfig may not change it while no cluster-wide default is set.
   */
  public boolean implicitDefaultIsMajority() {
    long arbiters = members.stream().filter(ConfigMember::arbiterOnly).count();
    long voters = members.stream().filter(ConfigMember::hasVote).count();
    long dataVoters = members.stream().filter(m -> m.hasVote() && !m.arbiterOnly()).count();
    return arbiters == 0 || dataVoters > voters / 2 + 1;
  }

  /** Why the write concern modes do not fit the members (a tag no member has), if they do not. */
  public Optional<String> modesProblem() {
    for (Map.Entry<String, Map<String, Integer>> mode : writeConcernModes.entrySet()) {
      for (String tag : mode.getValue().keySet()) {
        if (members.stream().noneMatch(m -> m.tags().containsKey(tag))) {
          return Optional.of(
              "write concern mode "
                  + mode.getKey()
                  + " needs tag "
                  + tag
                  + ", which no member has");
        }
      }
    }
    return Optional.empty();
  }

  /** The modes as a plain sorted map, for messages and comparisons. */
  public Map<String, Map<String, Integer>> sortedModes() {
    Map<String, Map<String, Integer>> sorted = new LinkedHashMap<>();
    new TreeMap<>(writeConcernModes).forEach((k, v) -> sorted.put(k, new TreeMap<>(v)));
    return sorted;
  }
}
