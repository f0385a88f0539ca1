package dev.starling.node.spec;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.InsertOneOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;

/**
 * The write operations of the format on a collection entity: inserts, updates, replacements,
 * deletes, the findOneAnd* family and bulkWrite with every request kind, with their results turned
 * into the documents {@code expectResult} describes.
 */
final class CollectionWrites {
  private final MongoCollection<BsonDocument> collection;
  private final ClientSession session;
  private final Arguments args;

  CollectionWrites(
      MongoCollection<BsonDocument> collection, ClientSession session, Arguments args) {
    this.collection = collection;
    this.session = session;
    this.args = args;
  }

  BsonValue insertOne() {
    BsonDocument document = args.required("document").asDocument();
    InsertOneOptions options = new InsertOneOptions();
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("comment", options::comment);
    args.checkAllUsed();
    return Results.insertOne(
        session == null
            ? collection.insertOne(document, options)
            : collection.insertOne(session, document, options));
  }

  BsonValue insertMany() {
    List<BsonDocument> documents = new ArrayList<>();
    for (BsonValue d : args.required("documents").asArray()) {
      documents.add(d.asDocument());
    }
    InsertManyOptions options = new InsertManyOptions();
    args.ifPresent("ordered", v -> options.ordered(v.asBoolean().getValue()));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("comment", options::comment);
    args.checkAllUsed();
    return Results.insertMany(
        session == null
            ? collection.insertMany(documents, options)
            : collection.insertMany(session, documents, options));
  }

  private static UpdateOptions updateOptions(Arguments args) {
    UpdateOptions options = new UpdateOptions();
    args.ifPresent("upsert", v -> options.upsert(v.asBoolean().getValue()));
    args.ifPresent("arrayFilters", v -> options.arrayFilters(CollectionOperations.pipeline(v)));
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.ifPresent("sort", v -> options.sort(v.asDocument()));
    args.hint(options::hint, options::hintString);
    return options;
  }

  BsonValue update(boolean many) {
    BsonDocument filter = args.filter();
    BsonValue update = args.required("update");
    UpdateOptions options = updateOptions(args);
    args.checkAllUsed();
    if (update.isArray()) {
      List<BsonDocument> stages = CollectionOperations.pipeline(update);
      return Results.update(
          many
              ? (session == null
                  ? collection.updateMany(filter, stages, options)
                  : collection.updateMany(session, filter, stages, options))
              : (session == null
                  ? collection.updateOne(filter, stages, options)
                  : collection.updateOne(session, filter, stages, options)));
    }
    BsonDocument doc = update.asDocument();
    return Results.update(
        many
            ? (session == null
                ? collection.updateMany(filter, doc, options)
                : collection.updateMany(session, filter, doc, options))
            : (session == null
                ? collection.updateOne(filter, doc, options)
                : collection.updateOne(session, filter, doc, options)));
  }

  private static ReplaceOptions replaceOptions(Arguments args) {
    ReplaceOptions options = new ReplaceOptions();
    args.ifPresent("upsert", v -> options.upsert(v.asBoolean().getValue()));
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.ifPresent("sort", v -> options.sort(v.asDocument()));
    args.hint(options::hint, options::hintString);
    return options;
  }

  BsonValue replaceOne() {
    BsonDocument filter = args.filter();
    BsonDocument replacement = args.required("replacement").asDocument();
    ReplaceOptions options = replaceOptions(args);
    args.checkAllUsed();
    return Results.update(
        session == null
            ? collection.replaceOne(filter, replacement, options)
            : collection.replaceOne(session, filter, replacement, options));
  }

  private static DeleteOptions deleteOptions(Arguments args) {
    DeleteOptions options = new DeleteOptions();
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.hint(options::hint, options::hintString);
    return options;
  }

  BsonValue delete(boolean many) {
    BsonDocument filter = args.filter();
    DeleteOptions options = deleteOptions(args);
    args.checkAllUsed();
    return Results.delete(
        many
            ? (session == null
                ? collection.deleteMany(filter, options)
                : collection.deleteMany(session, filter, options))
            : (session == null
                ? collection.deleteOne(filter, options)
                : collection.deleteOne(session, filter, options)));
  }

  private ReturnDocument returnDocument() {
    String value = args.string("returnDocument");
    return value == null || value.equalsIgnoreCase("Before")
        ? ReturnDocument.BEFORE
        : ReturnDocument.AFTER;
  }

  BsonValue findOneAndUpdate() {
    BsonDocument filter = args.filter();
    BsonValue update = args.required("update");
    FindOneAndUpdateOptions options = new FindOneAndUpdateOptions();
    options.returnDocument(returnDocument());
    args.ifPresent("projection", v -> options.projection(v.asDocument()));
    args.ifPresent("sort", v -> options.sort(v.asDocument()));
    args.ifPresent("upsert", v -> options.upsert(v.asBoolean().getValue()));
    args.ifPresent("arrayFilters", v -> options.arrayFilters(CollectionOperations.pipeline(v)));
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.ifPresent(
        "maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.hint(options::hint, options::hintString);
    args.checkAllUsed();
    BsonDocument result;
    if (update.isArray()) {
      List<BsonDocument> stages = CollectionOperations.pipeline(update);
      result =
          session == null
              ? collection.findOneAndUpdate(filter, stages, options)
              : collection.findOneAndUpdate(session, filter, stages, options);
    } else {
      result =
          session == null
              ? collection.findOneAndUpdate(filter, update.asDocument(), options)
              : collection.findOneAndUpdate(session, filter, update.asDocument(), options);
    }
    return result == null ? BsonNull.VALUE : result;
  }

  BsonValue findOneAndReplace() {
    BsonDocument filter = args.filter();
    BsonDocument replacement = args.required("replacement").asDocument();
    FindOneAndReplaceOptions options = new FindOneAndReplaceOptions();
    options.returnDocument(returnDocument());
    args.ifPresent("projection", v -> options.projection(v.asDocument()));
    args.ifPresent("sort", v -> options.sort(v.asDocument()));
    args.ifPresent("upsert", v -> options.upsert(v.asBoolean().getValue()));
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.ifPresent(
        "maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.hint(options::hint, options::hintString);
    args.checkAllUsed();
    BsonDocument result =
        session == null
            ? collection.findOneAndReplace(filter, replacement, options)
            : collection.findOneAndReplace(session, filter, replacement, options);
    return result == null ? BsonNull.VALUE : result;
  }

  BsonValue findOneAndDelete() {
    BsonDocument filter = args.filter();
    FindOneAndDeleteOptions options = new FindOneAndDeleteOptions();
    args.ifPresent("projection", v -> options.projection(v.asDocument()));
    args.ifPresent("sort", v -> options.sort(v.asDocument()));
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.ifPresent(
        "maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.hint(options::hint, options::hintString);
    args.checkAllUsed();
    BsonDocument result =
        session == null
            ? collection.findOneAndDelete(filter, options)
            : collection.findOneAndDelete(session, filter, options);
    return result == null ? BsonNull.VALUE : result;
  }

  BsonValue bulkWrite() {
    List<WriteModel<BsonDocument>> requests = new ArrayList<>();
    for (BsonValue request : args.required("requests").asArray()) {
      requests.add(writeModel(request.asDocument()));
    }
    BulkWriteOptions options = new BulkWriteOptions();
    args.ifPresent("ordered", v -> options.ordered(v.asBoolean().getValue()));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> options.bypassDocumentValidation(v.asBoolean().getValue()));
    args.ifPresent("let", v -> options.let(v.asDocument()));
    args.ifPresent("comment", options::comment);
    args.checkAllUsed();
    return Results.bulkWrite(
        session == null
            ? collection.bulkWrite(requests, options)
            : collection.bulkWrite(session, requests, options));
  }

  private static WriteModel<BsonDocument> writeModel(BsonDocument request) {
    String kind = request.getFirstKey();
    Arguments a = new Arguments("bulkWrite " + kind, request.getDocument(kind));
    WriteModel<BsonDocument> model =
        switch (kind) {
          case "insertOne" -> new InsertOneModel<>(a.required("document").asDocument());
          case "updateOne", "updateMany" -> {
            BsonDocument filter = a.filter();
            BsonValue update = a.required("update");
            UpdateOptions options = updateOptions(a);
            boolean many = kind.equals("updateMany");
            if (update.isArray()) {
              yield many
                  ? new UpdateManyModel<>(filter, CollectionOperations.pipeline(update), options)
                  : new UpdateOneModel<>(filter, CollectionOperations.pipeline(update), options);
            }
            yield many
                ? new UpdateManyModel<>(filter, update.asDocument(), options)
                : new UpdateOneModel<>(filter, update.asDocument(), options);
          }
          case "replaceOne" -> {
            BsonDocument filter = a.filter();
            yield new ReplaceOneModel<>(
                filter, a.required("replacement").asDocument(), replaceOptions(a));
          }
          case "deleteOne" -> {
            BsonDocument filter = a.filter();
            yield new DeleteOneModel<>(filter, deleteOptions(a));
          }
          case "deleteMany" -> {
            BsonDocument filter = a.filter();
            yield new DeleteManyModel<>(filter, deleteOptions(a));
          }
          default -> throw Unsupported.operation("bulkWrite request " + kind);
        };
    a.checkAllUsed();
    return model;
  }
}
