package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.repl.ReplicationStatus;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.MemberStatus;
import dev.starling.node.repl.core.OpTime;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/** replSetGetStatus: this member's view of the set (a single member: itself). */
public final class ReplSetGetStatusCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetGetStatus");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetGetStatus");
    ReplicationStatus s = ReplCommands.initiated(replicaSet);
    String infoMessage = replicaSet.infoMessage();
    long now = context.node().clock().millis();
    BsonDateTime lastWrite = new BsonDateTime(s.lastWriteWallMillis());
    BsonArray members = new BsonArray();
    for (MemberStatus m : s.members()) {
      members.add(member(context, s, m, now, lastWrite, infoMessage));
    }
    return new BsonDocument("set", new BsonString(s.config().name()))
        .append("date", new BsonDateTime(now))
        .append("myState", new BsonInt32(s.state().code()))
        .append("term", new BsonInt64(s.term()))
        .append("syncSourceHost", new BsonString(s.hostOf(s.syncSourceId())))
        .append("syncSourceId", new BsonInt32(s.syncSourceId()))
        .append("heartbeatIntervalMillis", new BsonInt64(s.config().heartbeatIntervalMillis()))
        .append("majorityVoteCount", new BsonInt32(s.config().majorityVoteCount()))
        .append("writeMajorityCount", new BsonInt32(s.config().writeMajority()))
        .append("votingMembersCount", new BsonInt32(s.config().votingMemberCount()))
        .append("writableVotingMembersCount", new BsonInt32(s.config().votingMemberCount()))
        .append(
            "optimes",
            new BsonDocument("lastCommittedOpTime", opTime(s.committed()))
                .append("lastCommittedWallTime", lastWrite)
                .append("readConcernMajorityOpTime", opTime(s.committed()))
                .append("appliedOpTime", opTime(s.applied()))
                .append("durableOpTime", opTime(s.durable()))
                .append("lastAppliedWallTime", lastWrite)
                .append("lastDurableWallTime", lastWrite))
        .append("members", members);
  }

  /** One member as mongod shows it: self with uptime and election, others with heartbeat data. */
  private static BsonDocument member(
      CommandContext context,
      ReplicationStatus s,
      MemberStatus m,
      long now,
      BsonDateTime lastWrite,
      String infoMessage) {
    boolean down = m.health() == 0;
    BsonDocument member =
        new BsonDocument("_id", new BsonInt32(m.id()))
            .append("name", new BsonString(m.host()))
            .append("health", new BsonDouble(m.health()))
            .append("state", new BsonInt32(m.state().code()))
            .append(
                "stateStr",
                new BsonString(
                    m.state() == MemberState.DOWN
                        ? "(not reachable/healthy)"
                        : m.state().stateStr()));
    if (m.self()) {
      member.append(
          "uptime", new BsonInt64((now - context.node().startedAt().toEpochMilli()) / 1000));
    } else {
      member.append("uptime", new BsonInt64(down || m.lastHeartbeatMillis() == 0 ? 0 : 1));
    }
    member
        .append("optime", opTime(m.appliedOpTime()))
        .append("optimeDurable", opTime(m.durableOpTime()))
        .append("optimeDate", new BsonDateTime(1000L * m.appliedOpTime().ts().getTime()))
        .append("optimeDurableDate", new BsonDateTime(1000L * m.durableOpTime().ts().getTime()))
        .append(
            "lastAppliedWallTime",
            m.self() ? lastWrite : new BsonDateTime(1000L * m.appliedOpTime().ts().getTime()))
        .append(
            "lastDurableWallTime",
            m.self() ? lastWrite : new BsonDateTime(1000L * m.durableOpTime().ts().getTime()));
    if (!m.self()) {
      member
          .append("lastHeartbeat", new BsonDateTime(m.lastHeartbeatMillis()))
          .append("lastHeartbeatRecv", new BsonDateTime(m.lastHeartbeatRecvMillis()))
          .append("pingMs", new BsonInt64(m.pingMillis()))
          .append("lastHeartbeatMessage", new BsonString(""));
    }
    member
        .append("syncSourceHost", new BsonString(s.hostOf(m.syncSourceId())))
        .append("syncSourceId", new BsonInt32(m.syncSourceId()))
        .append("infoMessage", new BsonString(m.self() ? infoMessage : ""));
    if (m.self() && s.state() == MemberState.PRIMARY && !s.electionOpTime().isNull()) {
      member
          .append("electionTime", s.electionOpTime().ts())
          .append("electionDate", new BsonDateTime(s.electionWallMillis()));
    }
    member
        .append("configVersion", new BsonInt32(m.configVersion()))
        .append("configTerm", new BsonInt64(m.self() ? s.config().term() : m.term()));
    if (m.self()) {
      member
          .append("self", org.bson.BsonBoolean.TRUE)
          .append("lastHeartbeatMessage", new BsonString(""));
    }
    return member;
  }

  private static BsonDocument opTime(OpTime o) {
    return new BsonDocument("ts", ReplicationStatus.ts(o)).append("t", new BsonInt64(o.term()));
  }
}
