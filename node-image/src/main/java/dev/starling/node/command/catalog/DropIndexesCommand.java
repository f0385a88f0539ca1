package dev.starling.node.command.catalog;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/** dropIndexes: by name, by key pattern, a list of names, or "*" for all but {@code _id_}. */
public final class DropIndexesCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("dropIndexes", "deleteIndexes");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    CollectionMeta collection = Namespaces.existing(context, command);
    if (collection == null) {
      throw new MongoServerException(
          ErrorCode.NAMESPACE_NOT_FOUND, "ns not found " + Namespaces.ns(context, command));
    }
    int before = collection.indexes().size() + 1;
    BsonValue index = command.get("index");
    if (index == null) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "BSON field 'dropIndexes.index' is missing but a required field");
    }
    List<String> names = new ArrayList<>();
    if (index.isString() && index.asString().getValue().equals("*")) {
      collection.indexes().forEach(i -> names.add(i.name()));
    } else if (index.isString()) {
      names.add(index.asString().getValue());
    } else if (index.isArray()) {
      for (BsonValue v : index.asArray()) {
        names.add(v.asString().getValue());
      }
    } else if (index.isDocument()) {
      IndexMeta match = null;
      for (IndexMeta i : collection.indexes()) {
        if (i.key().equals(index.asDocument())) {
          match = i;
        }
      }
      if (match == null) {
        throw new MongoServerException(
            ErrorCode.INDEX_NOT_FOUND, "can't find index with key: " + index.asDocument().toJson());
      }
      names.add(match.name());
    } else {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "dropIndexes 'index' must be a string, an array or an object");
    }
    for (String name : names) {
      if (name.equals("_id_")) {
        throw new MongoServerException(ErrorCode.INVALID_OPTIONS, "cannot drop _id index");
      }
      if (collection.index(name) == null) {
        throw new MongoServerException(
            ErrorCode.INDEX_NOT_FOUND, "index not found with name [" + name + "]");
      }
    }
    for (String name : names) {
      collection = context.node().storage().dropIndex(collection, name);
    }
    return new BsonDocument("nIndexesWas", new BsonInt32(before));
  }
}
