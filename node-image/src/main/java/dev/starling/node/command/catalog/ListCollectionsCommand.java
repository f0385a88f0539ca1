package dev.starling.node.command.catalog;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Databases;
import dev.starling.node.query.Filter;
import dev.starling.node.storage.CollectionMeta;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.UuidRepresentation;

/** listCollections: the database's collections as a cursor, with filter and nameOnly. */
public final class ListCollectionsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("listCollections");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    boolean nameOnly = Args.bool(command, "nameOnly", false);
    Filter filter = Filter.compile(Args.document(command, "filter", new BsonDocument()));
    List<BsonDocument> entries = new ArrayList<>();
    for (CollectionMeta collection : context.node().storage().collections(context.database())) {
      BsonDocument entry =
          new BsonDocument("name", new BsonString(collection.name()))
              .append("type", new BsonString("collection"))
              .append("options", collection.options())
              .append(
                  "info",
                  new BsonDocument("readOnly", BsonBoolean.FALSE)
                      .append(
                          "uuid", new BsonBinary(collection.uuid(), UuidRepresentation.STANDARD)))
              .append(
                  "idIndex",
                  new BsonDocument("v", new BsonInt32(2))
                      .append("key", new BsonDocument("_id", new BsonInt32(1)))
                      .append("name", new BsonString("_id_")));
      if (filter.matches(entry)) {
        entries.add(
            nameOnly
                ? new BsonDocument("name", entry.get("name")).append("type", entry.get("type"))
                : entry);
      }
    }
    if (context.database().equals("local") && context.node().oplogTruncator() != null) {
      BsonDocument oplog = oplogEntry(context.node().oplogTruncator().maxBytes());
      if (filter.matches(oplog)) {
        entries.add(
            nameOnly
                ? new BsonDocument("name", oplog.get("name")).append("type", oplog.get("type"))
                : oplog);
      }
    }
    BsonDocument cursor = Args.document(command, "cursor", new BsonDocument());
    return CursorReplies.firstBatch(
        context.node().cursors(),
        context.database() + ".$cmd.listCollections",
        entries.iterator(),
        CursorReplies.batchSize(cursor, CursorReplies.DEFAULT_FIRST_BATCH),
        false);
  }

  /** local.oplog.rs as mongod lists it: a capped collection of the oplog's configured size. */
  private static BsonDocument oplogEntry(long maxBytes) {
    return new BsonDocument("name", new BsonString("oplog.rs"))
        .append("type", new BsonString("collection"))
        .append(
            "options",
            new BsonDocument("capped", BsonBoolean.TRUE)
                .append("size", new org.bson.BsonInt64(maxBytes))
                .append("autoIndexId", BsonBoolean.FALSE))
        .append("info", new BsonDocument("readOnly", BsonBoolean.FALSE));
  }
}
