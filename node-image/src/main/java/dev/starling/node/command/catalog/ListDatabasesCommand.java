package dev.starling.node.command.catalog;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.query.Filter;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * listDatabases: every database that has a collection, with sizes (run on admin); {@code filter}
 * selects by name, sizeOnDisk and empty, {@code nameOnly} leaves the sizes out, {@code
 * authorizedDatabases} changes nothing on a node without authentication.
 */
public final class ListDatabasesCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("listDatabases");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.requireAdmin(context, "listDatabases");
    boolean nameOnly = Args.bool(command, "nameOnly", false);
    Filter filter = Filter.compile(Args.document(command, "filter", new BsonDocument()));
    StorageEngine storage = context.node().storage();
    BsonArray databases = new BsonArray();
    long total = 0;
    for (String name : storage.databaseNames()) {
      long size = 0;
      for (CollectionMeta collection : storage.collections(name)) {
        size += storage.dataSize(collection);
      }
      // As on mongod, the filter sees the entry as the reply shows it: with nameOnly a filter on
      // sizeOnDisk or empty matches nothing. empty: the database has no collection.
      BsonDocument entry = new BsonDocument("name", new BsonString(name));
      if (!nameOnly) {
        entry
            .append("sizeOnDisk", new BsonInt64(size))
            .append("empty", BsonBoolean.valueOf(storage.collections(name).isEmpty()));
      }
      if (filter.matches(entry)) {
        databases.add(entry);
        total += size;
      }
    }
    BsonDocument reply = new BsonDocument("databases", databases);
    if (!nameOnly) {
      reply
          .append("totalSize", new BsonInt64(total))
          .append("totalSizeMb", new BsonInt64(total >> 20));
    }
    return reply;
  }
}
