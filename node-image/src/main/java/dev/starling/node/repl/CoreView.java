package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.WriteConcernMode;
import java.time.Clock;

/**
 * The part of the pieces' {@code Replication} views that is read off the core alone: a member's
 * host, the config, this member's last applied entry, whether a write concern is satisfied, every
 * member's position. The coordinator's view for its pieces extends it, and so do the pieces'
 * unit-test fakes. Called with the coordinator's monitor held, as the views are.
 */
abstract class CoreView {
  private final Clock clock;

  CoreView(Clock clock) {
    this.clock = clock;
  }

  /** The core, or (before a config) a core without one. */
  public abstract TopologyCoordinator topology();

  /** The host of member {@code memberId} in the current config, or null. */
  public String hostOf(int memberId) {
    ReplSetConfig config = topology().config();
    return config == null
        ? null
        : config.findMemberById(memberId).map(MemberConfig::host).orElse(null);
  }

  /** The config, or null before there is one. */
  public ReplSetConfig config() {
    return topology().config();
  }

  /** The config, or 94 NotYetInitialized before there is one. */
  public ReplSetConfig requireConfig() {
    ReplSetConfig config = topology().config();
    if (config == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    return config;
  }

  /** This member's last applied entry. */
  public OpTime lastApplied() {
    return topology().myLastApplied();
  }

  /**
   * Whether the members that {@code request} (with its {@code mode}) asks for hold {@code target}.
   */
  public boolean satisfied(WriteConcernRequest request, WriteConcernMode mode, OpTime target) {
    return request.satisfiedBy(topology(), mode, target);
  }

  /** The commit point and every member's applied and durable positions, for the slow log. */
  public String positions() {
    StringBuilder members = new StringBuilder();
    for (var m : topology().memberStatuses(clock.millis())) {
      members
          .append(' ')
          .append(m.host())
          .append(" applied ")
          .append(m.appliedOpTime())
          .append(" durable ")
          .append(m.durableOpTime());
    }
    return "commit point " + topology().commitPoint() + ";" + members;
  }
}
