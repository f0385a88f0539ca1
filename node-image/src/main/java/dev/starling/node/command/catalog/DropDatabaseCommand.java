package dev.starling.node.command.catalog;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.storage.CollectionMeta;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;

/** dropDatabase: drops every collection of the database. */
public final class DropDatabaseCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("dropDatabase");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    for (CollectionMeta collection : context.node().storage().dropDatabase(context.database())) {
      context.node().cursors().killNamespace(collection.ns(), "database dropped");
    }
    return new BsonDocument("dropped", new BsonString(context.database()));
  }
}
