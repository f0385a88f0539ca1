package dev.starling.node.command.catalog;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.OplogTruncator;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import dev.starling.node.storage.StorageEngine;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/** collStats: document count and sizes of one collection. */
public final class CollStatsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("collStats", "collstats");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    OplogTruncator oplog = context.node().oplogTruncator();
    if (oplog != null && Namespaces.ns(context, command).equals("local.oplog.rs")) {
      return oplogStats(oplog);
    }
    CollectionMeta collection = Namespaces.existing(context, command);
    if (collection == null) {
      throw new MongoServerException(
          ErrorCode.NAMESPACE_NOT_FOUND,
          "Collection [" + Namespaces.ns(context, command) + "] not found.");
    }
    StorageEngine storage = context.node().storage();
    long count = storage.count(collection);
    long size = storage.dataSize(collection);
    BsonDocument indexSizes = new BsonDocument("_id_", new BsonInt64(0));
    for (IndexMeta index : collection.indexes()) {
      indexSizes.append(index.name(), new BsonInt64(0));
    }
    return new BsonDocument("ns", new BsonString(collection.ns()))
        .append("size", new BsonInt64(size))
        .append("count", new BsonInt64(count))
        .append("avgObjSize", new BsonInt64(count == 0 ? 0 : size / count))
        .append("storageSize", new BsonInt64(size))
        .append("nindexes", new BsonInt32(collection.indexes().size() + 1))
        .append("totalIndexSize", new BsonInt64(0))
        .append("indexSizes", indexSizes)
        .append("capped", org.bson.BsonBoolean.FALSE)
        .append("scaleFactor", new BsonInt32(1));
  }

  /**
   * local.oplog.rs, a capped collection as mongod shows it: {@code maxSize} is the configured size,
   * {@code size} and {@code count} what the oplog holds now (which may exceed {@code maxSize} while
   * entries are kept for the commit point or the retention period).
   */
  private static BsonDocument oplogStats(OplogTruncator oplog) {
    long size = oplog.usage().bytes();
    long count = oplog.usage().count();
    return new BsonDocument("ns", new BsonString("local.oplog.rs"))
        .append("size", new BsonInt64(size))
        .append("count", new BsonInt64(count))
        .append("avgObjSize", new BsonInt64(count == 0 ? 0 : size / count))
        .append("storageSize", new BsonInt64(size))
        .append("capped", org.bson.BsonBoolean.TRUE)
        .append("max", new BsonInt64(-1))
        .append("maxSize", new BsonInt64(oplog.maxBytes()))
        .append("nindexes", new BsonInt32(0))
        .append("totalIndexSize", new BsonInt64(0))
        .append("totalSize", new BsonInt64(size))
        .append("indexSizes", new BsonDocument())
        .append("scaleFactor", new BsonInt32(1));
  }
}
