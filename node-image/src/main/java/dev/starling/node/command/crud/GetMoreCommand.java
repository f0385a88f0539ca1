package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.OpCounters;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.Cursor;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** getMore: the next batch of an open cursor. */
public final class GetMoreCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("getMore");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere().countedAs(OpCounters.Kind.GETMORE);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    context.node().opCounters().add(OpCounters.Kind.GETMORE, 1);
    BsonValue id = command.get("getMore");
    if (!id.isInt64()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "Field 'getMore' must be of type long in: " + command.toJson());
    }
    String collection = Args.string(command, "collection", null);
    if (collection == null) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "BSON field 'getMore.collection' is missing but a required field");
    }
    if (command.containsKey("$replData")) {
      context.node().replication().failPoints().refuseIncomingReplicationTraffic();
    }
    Cursor cursor =
        context
            .node()
            .cursors()
            .get(id.asInt64().getValue(), context.database() + "." + collection);
    BsonDocument reply =
        CursorReplies.nextBatch(
            context.node().cursors(),
            cursor,
            CursorReplies.batchSize(command, 0),
            Args.number(command, "maxTimeMS", 1000));
    if (cursor.ns().equals(FindCommand.OPLOG_NS) && command.containsKey("$replData")) {
      // Refuses the batch if a fail point dropped replication traffic while it was read.
      reply.putAll(context.node().replication().oplogQueryMetadata());
    }
    return reply;
  }
}
