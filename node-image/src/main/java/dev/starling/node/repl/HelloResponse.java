package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.MemberState;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * hello on a replica-set member (mongod's {@code HelloResponse} and awaitHelloResponse): the wait
 * of an awaitable hello, and the set's view as hello shows it.
 */
final class HelloResponse {
  private HelloResponse() {}

  /**
   * Awaitable hello (drivers' streaming monitoring): with the {@code topologyVersion} the client
   * knows and {@code maxAwaitTimeMS}, the reply waits until the topology moves on from that version
   * or the time passes. When the client allows exhaust replies, the connection streams them
   * (ConnectionLoop): every reply sets moreToCome and the next waits on the version just sent.
   */
  static void awaitTopologyChange(TopologyVersion topologyVersion, BsonDocument command) {
    BsonValue known = command.get("topologyVersion");
    BsonValue maxAwait = command.get("maxAwaitTimeMS");
    if (known == null && maxAwait == null) {
      return;
    }
    if (known == null || maxAwait == null) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "A request with a 'topologyVersion' must include 'maxAwaitTimeMS', and the other way"
              + " round");
    }
    if (!(known instanceof BsonDocument version)
        || !(version.get("processId") instanceof BsonObjectId processId)
        || !(version.get("counter") instanceof BsonValue counter && counter.isNumber())) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "'topologyVersion' must be a document {processId: ObjectId, counter: long}");
    }
    if (!maxAwait.isNumber() || maxAwait.asNumber().longValue() < 0) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "maxAwaitTimeMS must be a non-negative integer");
    }
    boolean open;
    try {
      open =
          topologyVersion.awaitChange(
              processId.getValue(),
              counter.asNumber().longValue(),
              maxAwait.asNumber().longValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      open = false;
    }
    if (!open) {
      // Ends a streamed hello too: the stream stops at an error reply.
      throw new MongoServerException(
          ErrorCode.SHUTDOWN_IN_PROGRESS, "The server is in quiesce mode and will shut down");
    }
  }

  /** The topology fields of a replica-set member, as mongod answers them. */
  static BsonDocument fields(ReplicationStatus s, String primaryField) {
    BsonDocument reply = new BsonDocument();
    reply.append("topologyVersion", s.topologyVersion().toBsonDocument());
    if (s.config() == null || s.self() == null) {
      reply
          .append(primaryField, BsonBoolean.FALSE)
          .append("secondary", BsonBoolean.FALSE)
          .append("info", new BsonString("Does not have a valid replica set config"))
          .append("isreplicaset", BsonBoolean.TRUE);
      return reply;
    }
    BsonArray hosts = new BsonArray();
    BsonArray passives = new BsonArray();
    BsonArray arbiters = new BsonArray();
    for (MemberConfig m : s.config().members()) {
      if (m.arbiterOnly()) {
        arbiters.add(new BsonString(m.host()));
      } else if (!m.hidden() && m.priority() == 0) {
        passives.add(new BsonString(m.host()));
      } else if (!m.hidden()) {
        hosts.add(new BsonString(m.host()));
      }
    }
    reply.append("hosts", hosts);
    if (!passives.isEmpty()) {
      reply.append("passives", passives);
    }
    if (!arbiters.isEmpty()) {
      reply.append("arbiters", arbiters);
    }
    reply
        .append("setName", new BsonString(s.config().name()))
        .append("setVersion", new BsonInt32(s.config().version()))
        // A primary still catching up after its election is PRIMARY but takes no writes yet.
        .append(primaryField, BsonBoolean.valueOf(s.writablePrimary()))
        .append("secondary", BsonBoolean.valueOf(s.state() == MemberState.SECONDARY));
    if (s.primary() != null) {
      reply.append("primary", new BsonString(s.primary()));
    }
    s.config()
        .findMemberByHost(s.self())
        .filter(MemberConfig::arbiterOnly)
        .ifPresent(m -> reply.append("arbiterOnly", BsonBoolean.TRUE));
    s.config()
        .findMemberByHost(s.self())
        .filter(m -> !m.arbiterOnly() && !m.hidden() && m.priority() == 0)
        .ifPresent(m -> reply.append("passive", BsonBoolean.TRUE));
    s.config()
        .findMemberByHost(s.self())
        .ifPresent(
            m -> {
              if (!m.buildIndexes()) {
                reply.append("buildIndexes", BsonBoolean.FALSE);
              }
              if (m.secondaryDelaySecs() > 0) {
                reply.append("secondaryDelaySecs", new BsonInt64(m.secondaryDelaySecs()));
              }
            });
    s.config()
        .findMemberByHost(s.self())
        .filter(MemberConfig::hidden)
        .ifPresent(m -> reply.append("hidden", BsonBoolean.TRUE));
    s.config()
        .findMemberByHost(s.self())
        .filter(m -> !m.tags().isEmpty())
        .ifPresent(
            m -> {
              BsonDocument tags = new BsonDocument();
              m.tags().forEach((k, v) -> tags.append(k, new BsonString(v)));
              reply.append("tags", tags);
            });
    reply.append("me", new BsonString(s.self()));
    if (s.state() == MemberState.PRIMARY) {
      reply.append("electionId", new BsonObjectId(s.electionId()));
    }
    reply.append(
        "lastWrite",
        new BsonDocument(
                "opTime",
                new BsonDocument("ts", ReplicationStatus.ts(s.applied()))
                    .append("t", new BsonInt64(s.applied().term())))
            .append("lastWriteDate", new BsonDateTime(s.lastWriteWallMillis()))
            .append(
                "majorityOpTime",
                new BsonDocument("ts", ReplicationStatus.ts(s.committed()))
                    .append("t", new BsonInt64(s.committed().term())))
            .append("majorityWriteDate", new BsonDateTime(s.lastWriteWallMillis())));
    return reply;
  }
}
