package dev.starling.node.spec;

import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * One test of a file on one topology: load the initial data, create the file's entities, run the
 * operations, check the expected events and the outcome; then turn off the fail points it set and
 * close its clients, whatever happened.
 */
final class TestExecution implements AutoCloseable {
  private final Deployment deployment;
  private final Topology topology;
  private final Entities entities;
  private final RunnerOperations runner;

  TestExecution(Deployment deployment, Topology topology) {
    this.deployment = deployment;
    this.topology = topology;
    this.entities = new Entities(deployment.uri(topology));
    this.runner = new RunnerOperations(entities, deployment, topology);
  }

  void run(BsonDocument file, BsonDocument test) {
    for (String key : test.keySet()) {
      if (!List.of(
              "description",
              "runOnRequirements",
              "operations",
              "expectEvents",
              "outcome",
              "skipReason")
          .contains(key)) {
        throw new Unsupported("unsupported test field: " + key);
      }
    }
    for (BsonValue data : file.getArray("initialData", new BsonArray())) {
      load(data.asDocument());
    }
    entities.createAll(file.getArray("createEntities", new BsonArray()));
    new Operations(entities, runner).runAll(test.getArray("operations"));
    ValueMatcher matcher = new ValueMatcher(entities);
    for (BsonValue expectation : test.getArray("expectEvents", new BsonArray())) {
      EventCheck.verify(expectation.asDocument(), entities, matcher);
    }
    for (BsonValue outcome : test.getArray("outcome", new BsonArray())) {
      checkOutcome(outcome.asDocument(), matcher);
    }
  }

  private MongoDatabase database(BsonDocument data) {
    return deployment
        .internalClient(topology)
        .getDatabase(data.getString("databaseName").getValue())
        .withWriteConcern(WriteConcern.MAJORITY)
        .withReadConcern(ReadConcern.LOCAL)
        .withReadPreference(ReadPreference.primary());
  }

  /** Drops the collection, creates it and inserts its documents, all with w: majority. */
  private void load(BsonDocument data) {
    MongoDatabase database = database(data);
    String name = data.getString("collectionName").getValue();
    database.getCollection(name).drop();
    BsonDocument create = new BsonDocument("create", new BsonString(name));
    create.putAll(data.getDocument("createOptions", new BsonDocument()));
    create.append("writeConcern", new BsonDocument("w", new BsonString("majority")));
    database.runCommand(create);
    List<BsonDocument> documents = new ArrayList<>();
    for (BsonValue d : data.getArray("documents", new BsonArray())) {
      documents.add(d.asDocument());
    }
    if (!documents.isEmpty()) {
      database.getCollection(name, BsonDocument.class).insertMany(documents);
    }
  }

  /** The collection's documents, read from the primary sorted by _id, must be exactly these. */
  private void checkOutcome(BsonDocument outcome, ValueMatcher matcher) {
    MongoCollection<BsonDocument> collection =
        database(outcome)
            .getCollection(outcome.getString("collectionName").getValue(), BsonDocument.class);
    BsonArray actual = new BsonArray();
    collection.find().sort(new BsonDocument("_id", new BsonInt32(1))).into(actual);
    try {
      matcher.matchExactly(outcome.getArray("documents"), actual);
    } catch (ValueMatcher.MatchFailure e) {
      throw new AssertionError(
          "outcome of " + outcome.getString("collectionName").getValue() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    try {
      runner.turnOffFailPoints();
    } finally {
      entities.close();
    }
  }
}
