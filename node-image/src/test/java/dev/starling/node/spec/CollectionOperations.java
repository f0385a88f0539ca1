package dev.starling.node.spec;

import com.mongodb.client.AggregateIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.DistinctIterable;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
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
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * The CRUD operations of the format on a collection entity, each run through the Java driver with
 * the arguments the test gives; an argument nobody reads fails the test as unsupported.
 */
final class CollectionOperations {
  private final MongoCollection<BsonDocument> collection;
  private final ClientSession session;
  private final Arguments args;

  CollectionOperations(
      MongoCollection<BsonDocument> collection, ClientSession session, Arguments args) {
    this.collection = collection;
    this.session = session;
    this.args = args;
  }

  /** Runs operation {@code name}; the result is a BSON value, a cursor, or null for none. */
  Object run(String name) {
    return switch (name) {
      case "insertOne" -> insertOne();
      case "insertMany" -> insertMany();
      case "find" -> Results.array(checked(find()).into(new ArrayList<>()));
      case "findOne" -> orNull(checked(find()).first());
      case "createFindCursor" -> checked(find()).cursor();
      case "aggregate" -> aggregate();
      case "createChangeStream" -> {
        List<BsonDocument> pipeline = pipeline(args.required("pipeline"));
        yield ChangeStreams.open(
            session == null ? collection.watch(pipeline) : collection.watch(session, pipeline),
            args);
      }
      case "countDocuments" -> countDocuments();
      case "estimatedDocumentCount" -> estimatedDocumentCount();
      case "distinct" -> distinct();
      case "updateOne", "updateMany" -> update(name.equals("updateMany"));
      case "replaceOne" -> replaceOne();
      case "deleteOne", "deleteMany" -> delete(name.equals("deleteMany"));
      case "findOneAndUpdate" -> findOneAndUpdate();
      case "findOneAndReplace" -> findOneAndReplace();
      case "findOneAndDelete" -> findOneAndDelete();
      case "bulkWrite" -> bulkWrite();
      case "mapReduce" -> mapReduce();
      case "createIndex" -> createIndex();
      case "dropIndex" -> dropIndex();
      case "listIndexes" ->
          Results.array(
              (session == null
                      ? collection.listIndexes(BsonDocument.class)
                      : collection.listIndexes(session, BsonDocument.class))
                  .into(new ArrayList<>()));
      case "listIndexNames" -> {
        List<BsonValue> names = new ArrayList<>();
        for (BsonDocument index :
            session == null
                ? collection.listIndexes(BsonDocument.class)
                : collection.listIndexes(session, BsonDocument.class)) {
          names.add(index.get("name"));
        }
        yield Results.array(names);
      }
      case "drop" -> {
        if (session == null) {
          collection.drop();
        } else {
          collection.drop(session);
        }
        yield null;
      }
      default -> throw Unsupported.operation(name);
    };
  }

  private <T> T checked(T operation) {
    args.checkAllUsed();
    return operation;
  }

  private static BsonValue orNull(BsonDocument document) {
    return document == null ? BsonNull.VALUE : document;
  }

  private BsonDocument filter() {
    BsonDocument filter = args.document("filter");
    return filter == null ? new BsonDocument() : filter;
  }

  private BsonValue insertOne() {
    BsonDocument document = args.required("document").asDocument();
    InsertOneOptions options = new InsertOneOptions();
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("comment", options::comment);
    args.checkAllUsed();
    return Results.insertOne(
        session == null
            ? collection.insertOne(document, options)
            : collection.insertOne(session, document, options));
  }

  private BsonValue insertMany() {
    List<BsonDocument> documents = new ArrayList<>();
    for (BsonValue d : args.required("documents").asArray()) {
      documents.add(d.asDocument());
    }
    InsertManyOptions options = new InsertManyOptions();
    ifPresent("ordered", v -> options.ordered(bool(v)));
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("comment", options::comment);
    args.checkAllUsed();
    return Results.insertMany(
        session == null
            ? collection.insertMany(documents, options)
            : collection.insertMany(session, documents, options));
  }

  private FindIterable<BsonDocument> find() {
    BsonDocument filter = filter();
    FindIterable<BsonDocument> find =
        session == null ? collection.find(filter) : collection.find(session, filter);
    ifPresent("sort", v -> find.sort(v.asDocument()));
    ifPresent("projection", v -> find.projection(v.asDocument()));
    ifPresent("limit", v -> find.limit(v.asNumber().intValue()));
    ifPresent("skip", v -> find.skip(v.asNumber().intValue()));
    ifPresent("batchSize", v -> find.batchSize(v.asNumber().intValue()));
    ifPresent("comment", find::comment);
    ifPresent("let", v -> find.let(v.asDocument()));
    ifPresent("collation", v -> find.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("maxTimeMS", v -> find.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    ifPresent("allowDiskUse", v -> find.allowDiskUse(bool(v)));
    ifPresent("min", v -> find.min(v.asDocument()));
    ifPresent("max", v -> find.max(v.asDocument()));
    ifPresent("returnKey", v -> find.returnKey(bool(v)));
    ifPresent("showRecordId", v -> find.showRecordId(bool(v)));
    ifPresent("noCursorTimeout", v -> find.noCursorTimeout(bool(v)));
    hint(find::hint, find::hintString);
    return find;
  }

  private BsonValue aggregate() {
    List<BsonDocument> pipeline = pipeline(args.required("pipeline"));
    AggregateIterable<BsonDocument> aggregate =
        session == null ? collection.aggregate(pipeline) : collection.aggregate(session, pipeline);
    return runAggregate(aggregate, pipeline, args);
  }

  /** Applies the options of an aggregate and runs it; shared with the database-level one. */
  static BsonValue runAggregate(
      AggregateIterable<BsonDocument> aggregate, List<BsonDocument> pipeline, Arguments args) {
    CollectionOperations self = new CollectionOperations(null, null, args);
    self.ifPresent("batchSize", v -> aggregate.batchSize(v.asNumber().intValue()));
    self.ifPresent("comment", aggregate::comment);
    self.ifPresent("let", v -> aggregate.let(v.asDocument()));
    self.ifPresent("collation", v -> aggregate.collation(DriverOptions.collation(v.asDocument())));
    self.ifPresent("allowDiskUse", v -> aggregate.allowDiskUse(bool(v)));
    self.ifPresent(
        "maxTimeMS", v -> aggregate.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    self.ifPresent("bypassDocumentValidation", v -> aggregate.bypassDocumentValidation(bool(v)));
    self.hint(aggregate::hint, aggregate::hintString);
    args.checkAllUsed();
    if (!pipeline.isEmpty()) {
      String last = pipeline.get(pipeline.size() - 1).getFirstKey();
      if (last.equals("$out") || last.equals("$merge")) {
        // toCollection runs the pipeline alone; iterating would also read the target collection.
        aggregate.toCollection();
        return Results.array(List.of());
      }
    }
    return Results.array(aggregate.into(new ArrayList<>()));
  }

  static List<BsonDocument> pipeline(BsonValue value) {
    List<BsonDocument> stages = new ArrayList<>();
    for (BsonValue stage : value.asArray()) {
      stages.add(stage.asDocument());
    }
    return stages;
  }

  private BsonValue countDocuments() {
    CountOptions options = new CountOptions();
    BsonDocument filter = filter();
    ifPresent("skip", v -> options.skip(v.asNumber().intValue()));
    ifPresent("limit", v -> options.limit(v.asNumber().intValue()));
    ifPresent("comment", options::comment);
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    hint(options::hint, options::hintString);
    args.checkAllUsed();
    return new BsonInt64(
        session == null
            ? collection.countDocuments(filter, options)
            : collection.countDocuments(session, filter, options));
  }

  private BsonValue estimatedDocumentCount() {
    EstimatedDocumentCountOptions options = new EstimatedDocumentCountOptions();
    ifPresent("comment", options::comment);
    ifPresent("maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.checkAllUsed();
    return new BsonInt64(collection.estimatedDocumentCount(options));
  }

  private BsonValue distinct() {
    String field = args.required("fieldName").asString().getValue();
    BsonDocument filter = filter();
    DistinctIterable<BsonValue> distinct =
        session == null
            ? collection.distinct(field, filter, BsonValue.class)
            : collection.distinct(session, field, filter, BsonValue.class);
    ifPresent("comment", distinct::comment);
    ifPresent("collation", v -> distinct.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("maxTimeMS", v -> distinct.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    hint(distinct::hint, distinct::hintString);
    args.checkAllUsed();
    return Results.array(distinct.into(new ArrayList<>()));
  }

  private UpdateOptions updateOptions() {
    UpdateOptions options = new UpdateOptions();
    ifPresent("upsert", v -> options.upsert(bool(v)));
    ifPresent("arrayFilters", v -> options.arrayFilters(pipeline(v)));
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    ifPresent("sort", v -> options.sort(v.asDocument()));
    hint(options::hint, options::hintString);
    return options;
  }

  private BsonValue update(boolean many) {
    BsonDocument filter = filter();
    BsonValue update = args.required("update");
    UpdateOptions options = updateOptions();
    args.checkAllUsed();
    if (update.isArray()) {
      List<BsonDocument> stages = pipeline(update);
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

  private ReplaceOptions replaceOptions() {
    ReplaceOptions options = new ReplaceOptions();
    ifPresent("upsert", v -> options.upsert(bool(v)));
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    ifPresent("sort", v -> options.sort(v.asDocument()));
    hint(options::hint, options::hintString);
    return options;
  }

  private BsonValue replaceOne() {
    BsonDocument filter = filter();
    BsonDocument replacement = args.required("replacement").asDocument();
    ReplaceOptions options = replaceOptions();
    args.checkAllUsed();
    return Results.update(
        session == null
            ? collection.replaceOne(filter, replacement, options)
            : collection.replaceOne(session, filter, replacement, options));
  }

  private DeleteOptions deleteOptions() {
    DeleteOptions options = new DeleteOptions();
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    hint(options::hint, options::hintString);
    return options;
  }

  private BsonValue delete(boolean many) {
    BsonDocument filter = filter();
    DeleteOptions options = deleteOptions();
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

  private BsonValue findOneAndUpdate() {
    BsonDocument filter = filter();
    BsonValue update = args.required("update");
    FindOneAndUpdateOptions options = new FindOneAndUpdateOptions();
    options.returnDocument(returnDocument());
    ifPresent("projection", v -> options.projection(v.asDocument()));
    ifPresent("sort", v -> options.sort(v.asDocument()));
    ifPresent("upsert", v -> options.upsert(bool(v)));
    ifPresent("arrayFilters", v -> options.arrayFilters(pipeline(v)));
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    ifPresent("maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    hint(options::hint, options::hintString);
    args.checkAllUsed();
    BsonDocument result;
    if (update.isArray()) {
      List<BsonDocument> stages = pipeline(update);
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

  private BsonValue findOneAndReplace() {
    BsonDocument filter = filter();
    BsonDocument replacement = args.required("replacement").asDocument();
    FindOneAndReplaceOptions options = new FindOneAndReplaceOptions();
    options.returnDocument(returnDocument());
    ifPresent("projection", v -> options.projection(v.asDocument()));
    ifPresent("sort", v -> options.sort(v.asDocument()));
    ifPresent("upsert", v -> options.upsert(bool(v)));
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    ifPresent("maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    hint(options::hint, options::hintString);
    args.checkAllUsed();
    BsonDocument result =
        session == null
            ? collection.findOneAndReplace(filter, replacement, options)
            : collection.findOneAndReplace(session, filter, replacement, options);
    return result == null ? BsonNull.VALUE : result;
  }

  private BsonValue findOneAndDelete() {
    BsonDocument filter = filter();
    FindOneAndDeleteOptions options = new FindOneAndDeleteOptions();
    ifPresent("projection", v -> options.projection(v.asDocument()));
    ifPresent("sort", v -> options.sort(v.asDocument()));
    ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    ifPresent("maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    hint(options::hint, options::hintString);
    args.checkAllUsed();
    BsonDocument result =
        session == null
            ? collection.findOneAndDelete(filter, options)
            : collection.findOneAndDelete(session, filter, options);
    return result == null ? BsonNull.VALUE : result;
  }

  private BsonValue bulkWrite() {
    List<WriteModel<BsonDocument>> requests = new ArrayList<>();
    for (BsonValue request : args.required("requests").asArray()) {
      requests.add(writeModel(request.asDocument()));
    }
    BulkWriteOptions options = new BulkWriteOptions();
    ifPresent("ordered", v -> options.ordered(bool(v)));
    ifPresent("bypassDocumentValidation", v -> options.bypassDocumentValidation(bool(v)));
    ifPresent("let", v -> options.let(v.asDocument()));
    ifPresent("comment", options::comment);
    args.checkAllUsed();
    return Results.bulkWrite(
        session == null
            ? collection.bulkWrite(requests, options)
            : collection.bulkWrite(session, requests, options));
  }

  private static WriteModel<BsonDocument> writeModel(BsonDocument request) {
    String kind = request.getFirstKey();
    Arguments a = new Arguments("bulkWrite " + kind, request.getDocument(kind));
    CollectionOperations inner = new CollectionOperations(null, null, a);
    WriteModel<BsonDocument> model =
        switch (kind) {
          case "insertOne" -> new InsertOneModel<>(a.required("document").asDocument());
          case "updateOne", "updateMany" -> {
            BsonDocument filter = inner.filter();
            BsonValue update = a.required("update");
            UpdateOptions options = inner.updateOptions();
            boolean many = kind.equals("updateMany");
            if (update.isArray()) {
              yield many
                  ? new UpdateManyModel<>(filter, pipeline(update), options)
                  : new UpdateOneModel<>(filter, pipeline(update), options);
            }
            yield many
                ? new UpdateManyModel<>(filter, update.asDocument(), options)
                : new UpdateOneModel<>(filter, update.asDocument(), options);
          }
          case "replaceOne" -> {
            BsonDocument filter = inner.filter();
            yield new ReplaceOneModel<>(
                filter, a.required("replacement").asDocument(), inner.replaceOptions());
          }
          case "deleteOne" -> {
            BsonDocument filter = inner.filter();
            yield new DeleteOneModel<>(filter, inner.deleteOptions());
          }
          case "deleteMany" -> {
            BsonDocument filter = inner.filter();
            yield new DeleteManyModel<>(filter, inner.deleteOptions());
          }
          default -> throw Unsupported.operation("bulkWrite request " + kind);
        };
    a.checkAllUsed();
    return model;
  }

  /** mapReduce with inline output, the only form the retryable-reads tests use. */
  @SuppressWarnings("deprecation")
  private BsonValue mapReduce() {
    String map = args.required("map").asJavaScript().getCode();
    String reduce = args.required("reduce").asJavaScript().getCode();
    BsonValue out = args.get("out");
    if (out != null && !out.equals(new BsonDocument("inline", new org.bson.BsonInt32(1)))) {
      throw Unsupported.argument("out " + out, "mapReduce");
    }
    args.checkAllUsed();
    var mapReduce =
        session == null
            ? collection.mapReduce(map, reduce)
            : collection.mapReduce(session, map, reduce);
    return Results.array(mapReduce.into(new ArrayList<>()));
  }

  private BsonValue createIndex() {
    BsonDocument keys = args.required("keys").asDocument();
    IndexOptions options = new IndexOptions();
    ifPresent("name", v -> options.name(v.asString().getValue()));
    ifPresent("unique", v -> options.unique(bool(v)));
    ifPresent("sparse", v -> options.sparse(bool(v)));
    ifPresent(
        "expireAfterSeconds", v -> options.expireAfter(v.asNumber().longValue(), TimeUnit.SECONDS));
    args.checkAllUsed();
    return new BsonString(
        session == null
            ? collection.createIndex(keys, options)
            : collection.createIndex(session, keys, options));
  }

  private BsonValue dropIndex() {
    String name = args.required("name").asString().getValue();
    args.checkAllUsed();
    if (session == null) {
      collection.dropIndex(name);
    } else {
      collection.dropIndex(session, name);
    }
    return null;
  }

  private void ifPresent(String name, Consumer<BsonValue> apply) {
    BsonValue value = args.get(name);
    if (value != null) {
      apply.accept(value);
    }
  }

  private void hint(Consumer<Bson> document, Consumer<String> name) {
    BsonValue hint = args.get("hint");
    if (hint == null) {
      return;
    }
    if (hint.isString()) {
      name.accept(hint.asString().getValue());
    } else {
      document.accept(hint.asDocument());
    }
  }

  private static boolean bool(BsonValue value) {
    return value.asBoolean().getValue();
  }
}
