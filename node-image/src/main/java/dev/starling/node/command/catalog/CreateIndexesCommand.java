package dev.starling.node.command.catalog;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import dev.starling.node.storage.StorageEngine;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * createIndexes: ascending/descending (compound, unique, sparse) indexes, built over existing
 * documents.
 */
public final class CreateIndexesCommand implements Command {
  private static final Set<String> ACCEPTED_OPTIONS =
      // collation: only the simple one gets here (Collations refused the others), and an index
      // with the simple collation is an index without one, as mongod records it.
      Set.of("key", "name", "unique", "sparse", "v", "background", "ns", "collation");

  @Override
  public List<String> names() {
    return List.of("createIndexes");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    String name = Args.collection(command);
    StorageEngine storage = context.node().storage();
    boolean created = storage.collection(context.database(), name) == null;
    List<BsonValue> specs = Args.array(command, "indexes").getValues();
    if (specs.isEmpty()) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "Must specify at least one index to create");
    }
    for (BsonValue spec : specs) {
      validate(spec);
    }
    CollectionMeta collection = storage.collectionForWrite(context.database(), name);
    int before = collection.indexes().size() + 1;
    boolean anyNew = false;
    for (BsonValue value : specs) {
      BsonDocument spec = value.asDocument();
      String indexName = spec.getString("name").getValue();
      BsonDocument key = spec.getDocument("key");
      boolean unique = Args.bool(spec, "unique", false);
      boolean sparse = Args.bool(spec, "sparse", false);
      if (isIdIndex(key)) {
        if (!indexName.equals("_id_")) {
          throw new MongoServerException(
              ErrorCode.INDEX_OPTIONS_CONFLICT, "Index already exists with a different name: _id_");
        }
        continue;
      }
      IndexMeta existing = collection.index(indexName);
      if (existing != null) {
        if (!existing.key().equals(key)) {
          throw new MongoServerException(
              ErrorCode.INDEX_KEY_SPECS_CONFLICT,
              "An existing index has the same name as the requested index. When index names are not"
                  + " specified, they are auto generated and can cause conflicts. Please refer to"
                  + " our documentation. Requested index: "
                  + spec.toJson()
                  + ", existing index: "
                  + existing.toListEntry().toJson());
        }
        if (existing.unique() != unique || existing.sparse() != sparse) {
          throw new MongoServerException(
              ErrorCode.INDEX_OPTIONS_CONFLICT,
              "An equivalent index already exists with the same name but different options."
                  + " Requested index: "
                  + spec.toJson()
                  + ", existing index: "
                  + existing.toListEntry().toJson());
        }
        continue;
      }
      for (IndexMeta other : collection.indexes()) {
        if (other.key().equals(key)) {
          throw new MongoServerException(
              ErrorCode.INDEX_OPTIONS_CONFLICT,
              "Index already exists with a different name: " + other.name());
        }
      }
      collection = storage.createIndex(collection, indexName, key, unique, sparse);
      anyNew = true;
    }
    BsonDocument reply =
        new BsonDocument("numIndexesBefore", new BsonInt32(before))
            .append("numIndexesAfter", new BsonInt32(collection.indexes().size() + 1))
            .append("createdCollectionAutomatically", BsonBoolean.valueOf(created));
    if (!anyNew) {
      reply.append("note", new BsonString("all indexes already exist"));
    }
    return reply;
  }

  private static boolean isIdIndex(BsonDocument key) {
    return key.size() == 1
        && key.containsKey("_id")
        && key.get("_id").isNumber()
        && key.get("_id").asNumber().doubleValue() > 0;
  }

  private static void validate(BsonValue value) {
    if (!value.isDocument()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "The field 'indexes' must be an array of objects");
    }
    BsonDocument spec = value.asDocument();
    if (!(spec.get("key") instanceof BsonDocument key) || key.isEmpty()) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "The 'key' field is a required property of an index specification");
    }
    if (!(spec.get("name") instanceof BsonString indexName) || indexName.getValue().isEmpty()) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "Error in specification "
              + spec.toJson()
              + " :: caused by :: The 'name' field is a required property of an index"
              + " specification");
    }
    for (Map.Entry<String, BsonValue> field : key.entrySet()) {
      BsonValue direction = field.getValue();
      if (direction.isString()) {
        throw new MongoServerException(
            ErrorCode.CANNOT_CREATE_INDEX,
            "Index type '"
                + direction.asString().getValue()
                + "' is not supported by this node yet");
      }
      if (!direction.isNumber() || direction.asNumber().doubleValue() == 0) {
        throw new MongoServerException(
            ErrorCode.CANNOT_CREATE_INDEX,
            "Values in the index key pattern can only be numbers or strings, and numbers must not"
                + " be 0: "
                + key.toJson());
      }
      if (field.getKey().isEmpty() || field.getKey().startsWith("$")) {
        throw new MongoServerException(
            ErrorCode.CANNOT_CREATE_INDEX,
            "Index key contains an illegal field name: " + field.getKey());
      }
    }
    for (String option : spec.keySet()) {
      if (!ACCEPTED_OPTIONS.contains(option)) {
        throw new MongoServerException(
            ErrorCode.CANNOT_CREATE_INDEX,
            "Index option '" + option + "' is not supported by this node yet");
      }
    }
  }
}
