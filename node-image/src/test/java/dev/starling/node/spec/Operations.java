package dev.starling.node.spec;

import com.mongodb.ReadPreference;
import com.mongodb.TransactionOptions;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.model.CreateCollectionOptions;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;

/**
 * Runs the operations of one test: finds the target entity, calls the driver, and checks the
 * outcome against {@code expectResult} / {@code expectError}, or saves it as an entity. The
 * test-runner operations ({@code object: testRunner}) are in {@link RunnerOperations}.
 */
final class Operations {
  private final Entities entities;
  private final ValueMatcher matcher;
  private final RunnerOperations runner;

  Operations(Entities entities, RunnerOperations runner) {
    this.entities = entities;
    this.matcher = new ValueMatcher(entities);
    this.runner = runner;
  }

  void runAll(BsonArray operations) {
    for (int i = 0; i < operations.size(); i++) {
      BsonDocument operation = operations.get(i).asDocument();
      try {
        run(operation);
      } catch (AssertionError e) {
        throw new AssertionError(
            "operation "
                + i
                + " ("
                + operation.getString("name").getValue()
                + "): "
                + e.getMessage(),
            e);
      }
    }
  }

  /** Runs one operation with its expectations. */
  void run(BsonDocument operation) {
    String name = operation.getString("name").getValue();
    String object = operation.getString("object").getValue();
    for (String key : operation.keySet()) {
      if (!List.of(
              "name",
              "object",
              "arguments",
              "expectError",
              "expectResult",
              "saveResultAsEntity",
              "ignoreResultAndError")
          .contains(key)) {
        throw new Unsupported("unsupported operation field: " + key + " on " + name);
      }
    }
    Arguments args = new Arguments(name, operation.getDocument("arguments", null));
    Object result = null;
    RuntimeException error = null;
    try {
      result =
          object.equals("testRunner") ? runner.run(name, args, this) : invoke(name, object, args);
      args.checkAllUsed();
    } catch (Unsupported e) {
      throw e;
    } catch (RuntimeException e) {
      error = e;
    }
    if (operation.getBoolean("ignoreResultAndError", org.bson.BsonBoolean.FALSE).getValue()) {
      return;
    }
    if (operation.containsKey("expectError")) {
      if (error == null) {
        throw new AssertionError("expected an error but it succeeded with " + describe(result));
      }
      ErrorCheck.verify(operation.getDocument("expectError"), error, matcher);
      return;
    }
    if (error != null) {
      throw new AssertionError("failed: " + ErrorCheck.describe(error), error);
    }
    if (operation.containsKey("expectResult")) {
      matcher.matchRoot(operation.get("expectResult"), result instanceof BsonValue v ? v : null);
    }
    if (operation.containsKey("saveResultAsEntity")) {
      entities.save(operation.getString("saveResultAsEntity").getValue(), result);
    }
  }

  private static String describe(Object result) {
    return result instanceof BsonValue v ? ValueMatcher.brief(v) : String.valueOf(result);
  }

  private Object invoke(String name, String object, Arguments args) {
    Object target = entities.get(object);
    ClientSession session = session(args);
    if (target instanceof MongoCollection<?> collection) {
      @SuppressWarnings("unchecked")
      MongoCollection<BsonDocument> documents = (MongoCollection<BsonDocument>) collection;
      if (name.equals("count")) {
        return new DeprecatedCount(entities.clientOf(object), documents, session, args).run();
      }
      return new CollectionOperations(documents, session, args).run(name);
    }
    if (target instanceof MongoDatabase database) {
      return database(database, session, name, args);
    }
    if (target instanceof ClientEntity client) {
      return client(client.client(), session, name, args);
    }
    if (target instanceof ClientSession s) {
      return session(s, name, args);
    }
    if (target instanceof GridFSBucket bucket) {
      return GridFsOperations.run(bucket, session, name, args);
    }
    if (target instanceof MongoCursor<?> cursor) {
      args.checkAllUsed();
      return cursor(cursor, name);
    }
    throw Unsupported.operation(name + " on " + target.getClass().getSimpleName());
  }

  private ClientSession session(Arguments args) {
    String id = args.string("session");
    return id == null ? null : entities.session(id);
  }

  private Object database(
      MongoDatabase database, ClientSession session, String name, Arguments args) {
    switch (name) {
      case "aggregate" -> {
        List<BsonDocument> pipeline = CollectionOperations.pipeline(args.required("pipeline"));
        AggregateIterable<BsonDocument> aggregate =
            session == null
                ? database.aggregate(pipeline, BsonDocument.class)
                : database.aggregate(session, pipeline, BsonDocument.class);
        return CollectionOperations.runAggregate(aggregate, pipeline, args);
      }
      case "createChangeStream" -> {
        List<BsonDocument> pipeline = CollectionOperations.pipeline(args.required("pipeline"));
        return ChangeStreams.open(
            session == null
                ? database.watch(pipeline, BsonDocument.class)
                : database.watch(session, pipeline, BsonDocument.class),
            args);
      }
      case "runCommand" -> {
        BsonDocument command = args.required("command").asDocument();
        args.ignore("commandName");
        BsonDocument preference = args.document("readPreference");
        ReadPreference readPreference =
            preference == null
                ? ReadPreference.primary()
                : DriverOptions.readPreference(preference);
        args.checkAllUsed();
        return session == null
            ? database.runCommand(command, readPreference, BsonDocument.class)
            : database.runCommand(session, command, readPreference, BsonDocument.class);
      }
      case "createCollection" -> {
        String collection = args.required("collection").asString().getValue();
        CreateCollectionOptions options = new CreateCollectionOptions();
        if (args.has("capped")) {
          options.capped(args.bool("capped"));
        }
        if (args.has("size")) {
          options.sizeInBytes(args.longValue("size"));
        }
        if (args.has("viewOn")) {
          String viewOn = args.string("viewOn");
          List<BsonDocument> pipeline =
              args.has("pipeline")
                  ? CollectionOperations.pipeline(args.get("pipeline"))
                  : List.of();
          args.checkAllUsed();
          if (session == null) {
            database.createView(collection, viewOn, pipeline);
          } else {
            database.createView(session, collection, viewOn, pipeline);
          }
          return null;
        }
        args.checkAllUsed();
        if (session == null) {
          database.createCollection(collection, options);
        } else {
          database.createCollection(session, collection, options);
        }
        return null;
      }
      case "dropCollection" -> {
        String collection = args.required("collection").asString().getValue();
        args.checkAllUsed();
        if (session == null) {
          database.getCollection(collection).drop();
        } else {
          database.getCollection(collection).drop(session);
        }
        return null;
      }
      case "listCollections", "listCollectionObjects", "listCollectionNames" -> {
        BsonDocument filter = args.document("filter");
        Integer batchSize = args.integer("batchSize");
        args.checkAllUsed();
        var list =
            session == null
                ? database.listCollections(BsonDocument.class)
                : database.listCollections(session, BsonDocument.class);
        if (filter != null) {
          list.filter(filter);
        }
        if (batchSize != null) {
          list.batchSize(batchSize);
        }
        List<BsonDocument> collections = list.into(new ArrayList<>());
        if (name.equals("listCollectionNames")) {
          return Results.array(collections.stream().map(c -> c.get("name")).toList());
        }
        return Results.array(collections);
      }
      default -> throw Unsupported.operation(name + " on a database");
    }
  }

  private Object client(MongoClient client, ClientSession session, String name, Arguments args) {
    switch (name) {
      case "listDatabases", "listDatabaseObjects", "listDatabaseNames" -> {
        BsonDocument filter = args.document("filter");
        args.checkAllUsed();
        var list =
            session == null
                ? client.listDatabases(BsonDocument.class)
                : client.listDatabases(session, BsonDocument.class);
        if (filter != null) {
          list.filter(filter);
        }
        List<BsonDocument> databases = list.into(new ArrayList<>());
        if (name.equals("listDatabaseNames")) {
          return Results.array(databases.stream().map(d -> d.get("name")).toList());
        }
        return Results.array(databases);
      }
      case "createChangeStream" -> {
        List<BsonDocument> pipeline = CollectionOperations.pipeline(args.required("pipeline"));
        return ChangeStreams.open(
            session == null
                ? client.watch(pipeline, BsonDocument.class)
                : client.watch(session, pipeline, BsonDocument.class),
            args);
      }
      default -> throw Unsupported.operation(name + " on a client");
    }
  }

  private Object session(ClientSession session, String name, Arguments args) {
    if (!name.equals("startTransaction") && !name.equals("withTransaction")) {
      args.checkAllUsed();
    }
    switch (name) {
      case "endSession" -> session.close();
      case "getSnapshotTime" -> {
        // The time a snapshot session reads at (set by its first read); a BsonTimestamp entity.
        return session.getSnapshotTimestamp();
      }
      case "startTransaction" -> {
        BsonDocument options = new BsonDocument();
        for (String key :
            List.of("readConcern", "writeConcern", "readPreference", "maxCommitTimeMS")) {
          if (args.has(key)) {
            options.append(key, args.get(key));
          }
        }
        args.checkAllUsed();
        session.startTransaction(DriverOptions.transactionOptions(options));
      }
      case "commitTransaction" -> session.commitTransaction();
      case "abortTransaction" -> session.abortTransaction();
      case "withTransaction" -> {
        BsonArray callback = args.required("callback").asArray();
        BsonDocument options = new BsonDocument();
        for (String key :
            List.of("readConcern", "writeConcern", "readPreference", "maxCommitTimeMS")) {
          if (args.has(key)) {
            options.append(key, args.get(key));
          }
        }
        args.checkAllUsed();
        TransactionOptions transactionOptions = DriverOptions.transactionOptions(options);
        session.withTransaction(
            () -> {
              for (BsonValue operation : callback) {
                run(operation.asDocument());
              }
              return null;
            },
            transactionOptions);
      }
      default -> throw Unsupported.operation(name + " on a session");
    }
    return null;
  }

  private Object cursor(MongoCursor<?> cursor, String name) {
    return switch (name) {
      case "iterateUntilDocumentOrError" -> (BsonValue) cursor.next();
      case "iterateOnce" -> {
        Object next = cursor.tryNext();
        yield next == null ? BsonNull.VALUE : (BsonValue) next;
      }
      case "close" -> {
        cursor.close();
        yield null;
      }
      default -> throw Unsupported.operation(name + " on a cursor");
    };
  }
}
