package dev.starling.node.repl;

import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which {@code host:port} of a replica-set config names this node, as mongod's isSelf decides: one
 * of the names it answers to, or (for a name resolved elsewhere) one that {@code byAddress}
 * recognises by its port and an address of this machine.
 */
final class SelfHosts {
  private final List<String> names;
  private final Predicate<String> byAddress;

  /**
   * @param names the names this node answers to, the preferred one first
   * @param byAddress whether another {@code host:port} names this node too
   */
  SelfHosts(List<String> names, Predicate<String> byAddress) {
    this.names = List.copyOf(names);
    this.byAddress = byAddress;
  }

  /** The name replSetInitiate without a config gives this node, and its name before a config. */
  String preferred() {
    return names.get(0);
  }

  boolean isSelf(String host) {
    return names.stream().anyMatch(h -> h.equalsIgnoreCase(host)) || byAddress.test(host);
  }

  /** The host by which {@code config} names this node; null when it does not. */
  String in(ReplSetConfig config) {
    return config.members().stream()
        .map(MemberConfig::host)
        .filter(this::isSelf)
        .findFirst()
        .orElse(null);
  }

  /** The host this node goes by in the core's config (before one, its preferred name). */
  String current(TopologyCoordinator topology) {
    ReplSetConfig config = topology.config();
    if (config != null && topology.selfId() >= 0) {
      return config.findMemberById(topology.selfId()).get().host();
    }
    return preferred();
  }
}
