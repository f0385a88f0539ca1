package dev.starling.node.command.catalog;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import java.io.File;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/** dbStats: counts and sizes over a database's collections. */
public final class DbStatsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("dbStats", "dbstats");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    StorageEngine storage = context.node().storage();
    List<CollectionMeta> collections = storage.collections(context.database());
    long objects = 0;
    long dataSize = 0;
    int indexes = 0;
    for (CollectionMeta collection : collections) {
      objects += storage.count(collection);
      dataSize += storage.dataSize(collection);
      indexes += collection.indexes().size() + 1;
    }
    File disk = context.node().options().dbPath.toFile();
    return new BsonDocument("db", new BsonString(context.database()))
        .append("collections", new BsonInt32(collections.size()))
        .append("views", new BsonInt32(0))
        .append("objects", new BsonInt64(objects))
        .append("avgObjSize", new BsonDouble(objects == 0 ? 0 : (double) dataSize / objects))
        .append("dataSize", new BsonDouble(dataSize))
        .append("storageSize", new BsonDouble(dataSize))
        .append("indexes", new BsonInt32(indexes))
        .append("indexSize", new BsonDouble(0))
        .append("totalSize", new BsonDouble(dataSize))
        .append("scaleFactor", new BsonDouble(1))
        .append("fsUsedSize", new BsonDouble(disk.getTotalSpace() - disk.getUsableSpace()))
        .append("fsTotalSize", new BsonDouble(disk.getTotalSpace()));
  }
}
