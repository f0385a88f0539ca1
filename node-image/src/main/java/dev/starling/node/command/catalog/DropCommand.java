package dev.starling.node.command.catalog;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/** drop: removes a collection with its documents and indexes. */
public final class DropCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("drop");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    CollectionMeta collection = Namespaces.existing(context, command);
    if (collection == null) {
      throw new MongoServerException(ErrorCode.NAMESPACE_NOT_FOUND, "ns not found");
    }
    context.node().storage().dropCollection(collection);
    context.node().cursors().killNamespace(collection.ns(), "collection dropped");
    return new BsonDocument("nIndexesWas", new BsonInt32(collection.indexes().size() + 1))
        .append("ns", new BsonString(collection.ns()));
  }
}
