package dev.starling.node.command.catalog;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Namespaces;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/** listIndexes: the {@code _id_} index and the collection's secondary indexes, as a cursor. */
public final class ListIndexesCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("listIndexes");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    CollectionMeta collection = Namespaces.existing(context, command);
    if (collection == null) {
      throw new MongoServerException(
          ErrorCode.NAMESPACE_NOT_FOUND, "ns does not exist: " + Namespaces.ns(context, command));
    }
    List<BsonDocument> entries = new ArrayList<>();
    entries.add(
        new BsonDocument("v", new BsonInt32(2))
            .append("key", new BsonDocument("_id", new BsonInt32(1)))
            .append("name", new BsonString("_id_")));
    for (IndexMeta index : collection.indexes()) {
      entries.add(index.toListEntry());
    }
    return CursorReplies.firstBatch(
        context.node().cursors(),
        collection.ns(),
        entries.iterator(),
        CursorReplies.batchSize(
            Args.document(command, "cursor", new BsonDocument()),
            CursorReplies.DEFAULT_FIRST_BATCH),
        false);
  }
}
