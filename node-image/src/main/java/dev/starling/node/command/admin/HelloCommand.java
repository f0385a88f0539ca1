package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.repl.ReplicationCoordinator;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.wire.WireLimits;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;

/** hello / isMaster / ismaster: the handshake and monitoring command every driver sends first. */
public final class HelloCommand implements Command {
  /** MongoDB 6.0. */
  public static final int MAX_WIRE_VERSION = 17;

  @Override
  public List<String> names() {
    return List.of("hello", "isMaster", "ismaster");
  }

  @Override
  public boolean allowedOverOpQuery() {
    return true;
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    if (command.get("client") instanceof BsonDocument metadata
        && context.connection().clientMetadata() == null) {
      context.connection().clientMetadata(metadata);
    }
    BsonDocument reply = new BsonDocument();
    ReplicationCoordinator replication = context.node().replication();
    String primaryField = command.getFirstKey().equals("hello") ? "isWritablePrimary" : "ismaster";
    if (replication == null) {
      reply.append(primaryField, BsonBoolean.TRUE);
    } else {
      replicaSetFields(reply, primaryField, replication.snapshot());
    }
    if (command.containsKey("helloOk")) {
      reply.append("helloOk", BsonBoolean.TRUE);
    }
    reply
        .append("maxBsonObjectSize", new BsonInt32(WireLimits.MAX_BSON_OBJECT_SIZE))
        .append("maxMessageSizeBytes", new BsonInt32(WireLimits.MAX_MESSAGE_SIZE))
        .append("maxWriteBatchSize", new BsonInt32(WireLimits.MAX_WRITE_BATCH_SIZE))
        .append("localTime", new BsonDateTime(context.node().clock().millis()))
        .append("connectionId", new BsonInt64(context.connection().id()))
        .append("minWireVersion", new BsonInt32(0))
        .append("maxWireVersion", new BsonInt32(MAX_WIRE_VERSION))
        .append("readOnly", BsonBoolean.FALSE);
    return reply;
  }

  /** The topology fields of a replica-set member, as mongod answers them. */
  private static void replicaSetFields(
      BsonDocument reply, String primaryField, ReplicationCoordinator.Snapshot s) {
    if (s.config() == null || s.self() == null) {
      reply
          .append(primaryField, BsonBoolean.FALSE)
          .append("secondary", BsonBoolean.FALSE)
          .append("info", new BsonString("Does not have a valid replica set config"))
          .append("isreplicaset", BsonBoolean.TRUE);
      return;
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
                new BsonDocument("ts", ReplicationCoordinator.Snapshot.ts(s.applied()))
                    .append("t", new BsonInt64(s.applied().term())))
            .append("lastWriteDate", new BsonDateTime(s.lastWriteWallMillis()))
            .append(
                "majorityOpTime",
                new BsonDocument("ts", ReplicationCoordinator.Snapshot.ts(s.committed()))
                    .append("t", new BsonInt64(s.committed().term())))
            .append("majorityWriteDate", new BsonDateTime(s.lastWriteWallMillis())));
  }
}
