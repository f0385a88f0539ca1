package dev.starling.node.repl;

import dev.starling.node.repl.core.HeartbeatRequest;
import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.VoteRequest;
import dev.starling.node.repl.core.VoteResponse;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * The BSON forms of the node-to-node replication messages (replSetHeartbeat, replSetRequestVotes,
 * replSetUpdatePosition), with mongod's field names where mongod has them. Both directions live
 * here so the sender and the receiver cannot drift apart.
 */
public final class ReplMessages {
  private ReplMessages() {}

  // ---------------------------------------------------------------- OpTime

  public static BsonDocument opTime(OpTime t) {
    return t.toBsonDocument();
  }

  /** Reads {@code {ts, t}}; a missing or null value is the null OpTime. */
  public static OpTime opTime(BsonValue value) {
    if (value == null || !value.isDocument()) {
      return OpTime.NULL;
    }
    BsonDocument doc = value.asDocument();
    BsonValue ts = doc.get("ts");
    BsonValue t = doc.get("t");
    if (ts == null || !ts.isTimestamp() || t == null || !t.isNumber()) {
      return OpTime.NULL;
    }
    OpTime parsed = new OpTime(ts.asTimestamp(), t.asNumber().longValue());
    return parsed.ts().getValue() == 0 && parsed.term() <= 0 ? OpTime.NULL : parsed;
  }

  // ---------------------------------------------------------------- heartbeats

  public static BsonDocument heartbeatRequest(HeartbeatRequest r, String fromHost) {
    return new BsonDocument("replSetHeartbeat", new BsonString(r.setName()))
        .append("configVersion", new BsonInt32(r.configVersion()))
        .append("configTerm", new BsonInt64(r.configTerm()))
        .append("hbv", new BsonInt32(1))
        .append("from", new BsonString(fromHost))
        .append("fromId", new BsonInt32(r.senderId()))
        .append("term", new BsonInt64(r.term()))
        .append("fromPrimary", BsonBoolean.valueOf(r.senderPrimary()));
  }

  public static HeartbeatRequest heartbeatRequest(BsonDocument cmd) {
    return new HeartbeatRequest(
        cmd.getString("replSetHeartbeat").getValue(),
        intOf(cmd, "fromId", -1),
        longOf(cmd, "term", -1),
        intOf(cmd, "configVersion", -2),
        longOf(cmd, "configTerm", -1),
        cmd.getBoolean("fromPrimary", BsonBoolean.FALSE).getValue());
  }

  public static BsonDocument heartbeatResponse(HeartbeatResponse r) {
    return new BsonDocument("set", new BsonString(r.setName()))
        .append("state", new BsonInt32(r.state().code()))
        .append("term", new BsonInt64(r.term()))
        .append("configVersion", new BsonInt32(r.configVersion()))
        .append("configTerm", new BsonInt64(r.configTerm()))
        .append("opTime", opTime(r.appliedOpTime()))
        .append("durableOpTime", opTime(r.durableOpTime()))
        .append("lastCommittedOpTime", opTime(r.lastCommittedOpTime()))
        .append("primaryId", new BsonInt32(r.primaryId()))
        .append("syncSourceId", new BsonInt32(r.syncSourceId()))
        .append("electionTime", new BsonInt64(r.electionTimeMillis()));
  }

  public static HeartbeatResponse heartbeatResponse(BsonDocument doc) {
    return new HeartbeatResponse(
        doc.getString("set", new BsonString("")).getValue(),
        MemberState.fromCode(intOf(doc, "state", MemberState.UNKNOWN.code())),
        longOf(doc, "term", -1),
        intOf(doc, "configVersion", -2),
        longOf(doc, "configTerm", -1),
        opTime(doc.get("opTime")),
        opTime(doc.get("durableOpTime")),
        opTime(doc.get("lastCommittedOpTime")),
        intOf(doc, "primaryId", -1),
        intOf(doc, "syncSourceId", -1),
        longOf(doc, "electionTime", 0));
  }

  // ---------------------------------------------------------------- votes

  public static BsonDocument voteRequest(VoteRequest r) {
    return new BsonDocument("replSetRequestVotes", new BsonInt32(1))
        .append("setName", new BsonString(r.setName()))
        .append("dryRun", BsonBoolean.valueOf(r.dryRun()))
        .append("term", new BsonInt64(r.term()))
        .append("candidateIndex", new BsonInt32(r.candidateId()))
        .append("configVersion", new BsonInt32(r.configVersion()))
        .append("configTerm", new BsonInt64(r.configTerm()))
        .append("lastAppliedOpTime", opTime(r.lastAppliedOpTime()));
  }

  public static VoteRequest voteRequest(BsonDocument cmd) {
    return new VoteRequest(
        cmd.getString("setName").getValue(),
        cmd.getBoolean("dryRun", BsonBoolean.FALSE).getValue(),
        longOf(cmd, "term", -1),
        intOf(cmd, "candidateIndex", -1),
        intOf(cmd, "configVersion", -2),
        longOf(cmd, "configTerm", -1),
        opTime(cmd.get("lastAppliedOpTime")));
  }

  public static BsonDocument voteResponse(VoteResponse r) {
    return new BsonDocument("term", new BsonInt64(r.term()))
        .append("voteGranted", BsonBoolean.valueOf(r.voteGranted()))
        .append("reason", new BsonString(r.reason() == null ? "" : r.reason()));
  }

  public static VoteResponse voteResponse(BsonDocument doc) {
    return new VoteResponse(
        longOf(doc, "term", -1),
        doc.getBoolean("voteGranted", BsonBoolean.FALSE).getValue(),
        doc.getString("reason", new BsonString("")).getValue());
  }

  // ---------------------------------------------------------------- positions

  /** One member's position in replSetUpdatePosition's {@code optimes} array. */
  public record Position(int memberId, int configVersion, OpTime applied, OpTime durable) {}

  public static BsonDocument position(Position p) {
    return new BsonDocument("durableOpTime", opTime(p.durable()))
        .append("appliedOpTime", opTime(p.applied()))
        .append("memberId", new BsonInt32(p.memberId()))
        .append("cfgver", new BsonInt32(p.configVersion()));
  }

  public static Position position(BsonDocument doc) {
    return new Position(
        intOf(doc, "memberId", -1),
        intOf(doc, "cfgver", -2),
        opTime(doc.get("appliedOpTime")),
        opTime(doc.get("durableOpTime")));
  }

  // ---------------------------------------------------------------- helpers

  static int intOf(BsonDocument doc, String field, int otherwise) {
    BsonValue v = doc.get(field);
    return v != null && v.isNumber() ? v.asNumber().intValue() : otherwise;
  }

  static long longOf(BsonDocument doc, String field, long otherwise) {
    BsonValue v = doc.get(field);
    return v != null && v.isNumber() ? v.asNumber().longValue() : otherwise;
  }

  static BsonTimestamp timestampOf(BsonDocument doc, String field) {
    BsonValue v = doc.get(field);
    return v != null && v.isTimestamp() ? v.asTimestamp() : new BsonTimestamp(0, 0);
  }
}
