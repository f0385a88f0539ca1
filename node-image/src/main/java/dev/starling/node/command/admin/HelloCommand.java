package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.wire.WireLimits;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;

/** hello / isMaster / ismaster: the handshake and monitoring command every driver sends first. */
public final class HelloCommand implements Command {
  /** MongoDB 6.0. */
  public static final int MAX_WIRE_VERSION = 17;

  @Override
  public List<String> names() {
    return List.of("hello", "isMaster", "ismaster");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
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
    String primaryField = command.getFirstKey().equals("hello") ? "isWritablePrimary" : "ismaster";
    BsonDocument reply = context.node().replication().hello(command, primaryField);
    if (command.containsKey("helloOk")) {
      reply.append("helloOk", BsonBoolean.TRUE);
    }
    reply
        .append("maxBsonObjectSize", new BsonInt32(WireLimits.MAX_BSON_OBJECT_SIZE))
        .append("maxMessageSizeBytes", new BsonInt32(WireLimits.MAX_MESSAGE_SIZE))
        .append("maxWriteBatchSize", new BsonInt32(WireLimits.MAX_WRITE_BATCH_SIZE))
        .append("localTime", new BsonDateTime(context.node().clock().millis()))
        .append(
            "logicalSessionTimeoutMinutes",
            new BsonInt32((int) context.node().sessions().timeout().toMinutes()))
        .append("connectionId", new BsonInt64(context.connection().id()))
        .append("minWireVersion", new BsonInt32(0))
        .append("maxWireVersion", new BsonInt32(MAX_WIRE_VERSION))
        .append("readOnly", BsonBoolean.FALSE);
    return reply;
  }
}
