package dev.starling.node.spec;

import com.mongodb.client.AggregateIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.DistinctIterable;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.IndexOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The operations of the format on a collection entity, each run through the Java driver with the
 * arguments the test gives; an argument nobody reads fails the test as unsupported. The writes are
 * in {@link CollectionWrites}.
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
      case "insertOne" -> writes().insertOne();
      case "insertMany" -> writes().insertMany();
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
      case "updateOne", "updateMany" -> writes().update(name.equals("updateMany"));
      case "replaceOne" -> writes().replaceOne();
      case "deleteOne", "deleteMany" -> writes().delete(name.equals("deleteMany"));
      case "findOneAndUpdate" -> writes().findOneAndUpdate();
      case "findOneAndReplace" -> writes().findOneAndReplace();
      case "findOneAndDelete" -> writes().findOneAndDelete();
      case "bulkWrite" -> writes().bulkWrite();
      case "mapReduce" -> mapReduce();
      case "createIndex" -> createIndex();
      case "dropIndex" -> dropIndex();
      case "listIndexes" -> {
        args.checkAllUsed();
        yield Results.array(
            (session == null
                    ? collection.listIndexes(BsonDocument.class)
                    : collection.listIndexes(session, BsonDocument.class))
                .into(new ArrayList<>()));
      }
      case "listIndexNames" -> {
        args.checkAllUsed();
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
        args.checkAllUsed();
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

  private CollectionWrites writes() {
    return new CollectionWrites(collection, session, args);
  }

  private <T> T checked(T operation) {
    args.checkAllUsed();
    return operation;
  }

  private static BsonValue orNull(BsonDocument document) {
    return document == null ? BsonNull.VALUE : document;
  }

  private FindIterable<BsonDocument> find() {
    BsonDocument filter = args.filter();
    FindIterable<BsonDocument> find =
        session == null ? collection.find(filter) : collection.find(session, filter);
    args.ifPresent("sort", v -> find.sort(v.asDocument()));
    args.ifPresent("projection", v -> find.projection(v.asDocument()));
    args.ifPresent("limit", v -> find.limit(v.asNumber().intValue()));
    args.ifPresent("skip", v -> find.skip(v.asNumber().intValue()));
    args.ifPresent("batchSize", v -> find.batchSize(v.asNumber().intValue()));
    args.ifPresent("comment", find::comment);
    args.ifPresent("let", v -> find.let(v.asDocument()));
    args.ifPresent("collation", v -> find.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent("maxTimeMS", v -> find.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.ifPresent("allowDiskUse", v -> find.allowDiskUse(v.asBoolean().getValue()));
    args.ifPresent("min", v -> find.min(v.asDocument()));
    args.ifPresent("max", v -> find.max(v.asDocument()));
    args.ifPresent("returnKey", v -> find.returnKey(v.asBoolean().getValue()));
    args.ifPresent("showRecordId", v -> find.showRecordId(v.asBoolean().getValue()));
    args.ifPresent("noCursorTimeout", v -> find.noCursorTimeout(v.asBoolean().getValue()));
    args.hint(find::hint, find::hintString);
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
    args.ifPresent("batchSize", v -> aggregate.batchSize(v.asNumber().intValue()));
    args.ifPresent("comment", aggregate::comment);
    args.ifPresent("let", v -> aggregate.let(v.asDocument()));
    args.ifPresent("collation", v -> aggregate.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent("allowDiskUse", v -> aggregate.allowDiskUse(v.asBoolean().getValue()));
    args.ifPresent(
        "maxTimeMS", v -> aggregate.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.ifPresent(
        "bypassDocumentValidation",
        v -> aggregate.bypassDocumentValidation(v.asBoolean().getValue()));
    args.hint(aggregate::hint, aggregate::hintString);
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
    BsonDocument filter = args.filter();
    args.ifPresent("skip", v -> options.skip(v.asNumber().intValue()));
    args.ifPresent("limit", v -> options.limit(v.asNumber().intValue()));
    args.ifPresent("comment", options::comment);
    args.ifPresent("collation", v -> options.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent(
        "maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.hint(options::hint, options::hintString);
    args.checkAllUsed();
    return new BsonInt64(
        session == null
            ? collection.countDocuments(filter, options)
            : collection.countDocuments(session, filter, options));
  }

  private BsonValue estimatedDocumentCount() {
    EstimatedDocumentCountOptions options = new EstimatedDocumentCountOptions();
    args.ifPresent("comment", options::comment);
    args.ifPresent(
        "maxTimeMS", v -> options.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.checkAllUsed();
    return new BsonInt64(collection.estimatedDocumentCount(options));
  }

  private BsonValue distinct() {
    String field = args.required("fieldName").asString().getValue();
    BsonDocument filter = args.filter();
    DistinctIterable<BsonValue> distinct =
        session == null
            ? collection.distinct(field, filter, BsonValue.class)
            : collection.distinct(session, field, filter, BsonValue.class);
    args.ifPresent("comment", distinct::comment);
    args.ifPresent("collation", v -> distinct.collation(DriverOptions.collation(v.asDocument())));
    args.ifPresent(
        "maxTimeMS", v -> distinct.maxTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS));
    args.hint(distinct::hint, distinct::hintString);
    args.checkAllUsed();
    return Results.array(distinct.into(new ArrayList<>()));
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
    args.ifPresent("name", v -> options.name(v.asString().getValue()));
    args.ifPresent("unique", v -> options.unique(v.asBoolean().getValue()));
    args.ifPresent("sparse", v -> options.sparse(v.asBoolean().getValue()));
    args.ifPresent(
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
}
