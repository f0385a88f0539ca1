package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.repl.ReplicationCoordinator.Snapshot;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.MemberState;
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
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Snapshot s = ReplCommands.initiated(ReplCommands.replication(context, "replSetGetStatus"));
    long now = context.node().clock().millis();
    BsonDateTime lastWrite = new BsonDateTime(s.lastWriteWallMillis());
    BsonArray members = new BsonArray();
    for (MemberConfig m : s.config().members()) {
      boolean self = m.host().equals(s.self());
      BsonDocument member =
          new BsonDocument("_id", new BsonInt32(m.id()))
              .append("name", new BsonString(m.host()))
              .append("health", new BsonDouble(self ? 1 : 0))
              .append("state", new BsonInt32(self ? s.state().code() : 8))
              .append(
                  "stateStr",
                  new BsonString(self ? s.state().stateStr() : "(not reachable/healthy)"));
      if (self) {
        member
            .append(
                "uptime", new BsonInt64((now - context.node().startedAt().toEpochMilli()) / 1000))
            .append("optime", opTime(s.applied()))
            .append("optimeDate", new BsonDateTime(1000L * s.applied().ts().getTime()))
            .append("lastAppliedWallTime", lastWrite)
            .append("lastDurableWallTime", lastWrite)
            .append("syncSourceHost", new BsonString(""))
            .append("syncSourceId", new BsonInt32(-1))
            .append("infoMessage", new BsonString(""));
        if (s.state() == MemberState.PRIMARY && !s.electionOpTime().isNull()) {
          member
              .append("electionTime", s.electionOpTime().ts())
              .append("electionDate", new BsonDateTime(s.electionWallMillis()));
        }
        member
            .append("configVersion", new BsonInt32(s.config().version()))
            .append("configTerm", new BsonInt64(s.config().term()))
            .append("self", org.bson.BsonBoolean.TRUE)
            .append("lastHeartbeatMessage", new BsonString(""));
      }
      members.add(member);
    }
    return new BsonDocument("set", new BsonString(s.config().name()))
        .append("date", new BsonDateTime(now))
        .append("myState", new BsonInt32(s.state().code()))
        .append("term", new BsonInt64(s.term()))
        .append("syncSourceHost", new BsonString(""))
        .append("syncSourceId", new BsonInt32(-1))
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

  private static BsonDocument opTime(OpTime o) {
    return new BsonDocument("ts", Snapshot.ts(o)).append("t", new BsonInt64(o.term()));
  }
}
