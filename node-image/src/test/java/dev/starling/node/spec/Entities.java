package dev.starling.node.spec;

import com.mongodb.ClientSessionOptions;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * The named entities of one test: clients, databases, collections, sessions, GridFS buckets,
 * cursors and saved results. It creates them from {@code createEntities} and closes what needs
 * closing when the test ends (sessions and cursors before their clients).
 */
final class Entities implements ValueMatcher.EntityLookup, AutoCloseable {
  private final String baseUri;
  private final Map<String, Object> entities = new LinkedHashMap<>();
  private final Map<String, BsonDocument> lsids = new LinkedHashMap<>();

  /** The client entity each database and collection entity was made from. */
  private final Map<String, String> clientOf = new LinkedHashMap<>();

  Entities(String baseUri) {
    this.baseUri = baseUri;
  }

  void createAll(Iterable<BsonValue> definitions) {
    for (BsonValue definition : definitions) {
      create(definition.asDocument());
    }
  }

  private void create(BsonDocument definition) {
    String kind = definition.getFirstKey();
    BsonDocument spec = definition.getDocument(kind);
    String id = spec.getString("id").getValue();
    if (entities.containsKey(id)) {
      throw new IllegalStateException("entity " + id + " already exists");
    }
    switch (kind) {
      case "client" -> entities.put(id, createClient(spec));
      case "database" -> {
        entities.put(id, createDatabase(spec));
        clientOf.put(id, spec.getString("client").getValue());
      }
      case "collection" -> {
        entities.put(id, createCollection(spec));
        clientOf.put(id, clientOf.get(spec.getString("database").getValue()));
      }
      case "session" -> {
        ClientSession session = createSession(spec);
        entities.put(id, session);
        lsids.put(id, session.getServerSession().getIdentifier().clone());
      }
      case "bucket" -> entities.put(id, createBucket(spec));
      default -> throw new Unsupported("unsupported entity: " + kind);
    }
  }

  private ClientEntity createClient(BsonDocument spec) {
    StringBuilder uri = new StringBuilder(baseUri);
    BsonDocument options = spec.getDocument("uriOptions", new BsonDocument());
    for (Map.Entry<String, BsonValue> option : options.entrySet()) {
      uri.append('&').append(option.getKey()).append('=').append(uriValue(option.getValue()));
    }
    if (!options.containsKey("serverSelectionTimeoutMS")) {
      uri.append("&serverSelectionTimeoutMS=10000");
    }
    if (!options.containsKey("heartbeatFrequencyMS")) {
      // After a state-change error the driver waits for the next heartbeat before it selects the
      // node again; the default 10 s would make every such test take 10 s.
      uri.append("&heartbeatFrequencyMS=500");
    }
    if (!options.containsKey("socketTimeoutMS") && !options.containsKey("timeoutMS")) {
      uri.append("&socketTimeoutMS=30000");
    }
    Set<String> observed = new HashSet<>();
    for (BsonValue event : spec.getArray("observeEvents", new org.bson.BsonArray())) {
      observed.add(event.asString().getValue());
    }
    Set<String> ignored = new HashSet<>();
    for (BsonValue name :
        spec.getArray("ignoreCommandMonitoringEvents", new org.bson.BsonArray())) {
      ignored.add(name.asString().getValue());
    }
    for (String key : spec.keySet()) {
      switch (key) {
        case "id",
            "uriOptions",
            "observeEvents",
            "ignoreCommandMonitoringEvents",
            "observeSensitiveCommands",
            "useMultipleMongoses" -> {}
        default -> throw new Unsupported("unsupported client option: " + key);
      }
    }
    CommandRecorder recorder =
        new CommandRecorder(
            observed,
            ignored,
            spec.getBoolean("observeSensitiveCommands", org.bson.BsonBoolean.FALSE).getValue());
    ClientEntity.ConnectionCounter counter = new ClientEntity.ConnectionCounter();
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(uri.toString()))
            .addCommandListener(recorder)
            .applyToConnectionPoolSettings(b -> b.addConnectionPoolListener(counter))
            .build();
    return new ClientEntity(
        MongoClients.create(settings), recorder, counter, settings.getRetryReads());
  }

  private static String uriValue(BsonValue value) {
    if (value.isString()) {
      return value.asString().getValue();
    }
    if (value.isBoolean()) {
      return Boolean.toString(value.asBoolean().getValue());
    }
    if (value.isNumber()) {
      return Long.toString(value.asNumber().longValue());
    }
    throw new Unsupported("unsupported uriOptions value: " + value);
  }

  private MongoDatabase createDatabase(BsonDocument spec) {
    MongoDatabase database =
        client(spec.getString("client").getValue())
            .client()
            .getDatabase(spec.getString("databaseName").getValue());
    BsonDocument options = spec.getDocument("databaseOptions", new BsonDocument());
    for (Map.Entry<String, BsonValue> e : options.entrySet()) {
      database =
          switch (e.getKey()) {
            case "readConcern" ->
                database.withReadConcern(DriverOptions.readConcern(e.getValue().asDocument()));
            case "writeConcern" ->
                database.withWriteConcern(DriverOptions.writeConcern(e.getValue().asDocument()));
            case "readPreference" ->
                database.withReadPreference(
                    DriverOptions.readPreference(e.getValue().asDocument()));
            default -> throw new Unsupported("unsupported databaseOptions: " + e.getKey());
          };
    }
    return database;
  }

  private MongoCollection<BsonDocument> createCollection(BsonDocument spec) {
    MongoCollection<BsonDocument> collection =
        database(spec.getString("database").getValue())
            .getCollection(spec.getString("collectionName").getValue(), BsonDocument.class);
    BsonDocument options = spec.getDocument("collectionOptions", new BsonDocument());
    for (Map.Entry<String, BsonValue> e : options.entrySet()) {
      collection =
          switch (e.getKey()) {
            case "readConcern" ->
                collection.withReadConcern(DriverOptions.readConcern(e.getValue().asDocument()));
            case "writeConcern" ->
                collection.withWriteConcern(DriverOptions.writeConcern(e.getValue().asDocument()));
            case "readPreference" ->
                collection.withReadPreference(
                    DriverOptions.readPreference(e.getValue().asDocument()));
            default -> throw new Unsupported("unsupported collectionOptions: " + e.getKey());
          };
    }
    return collection;
  }

  private GridFSBucket createBucket(BsonDocument spec) {
    MongoDatabase database = database(spec.getString("database").getValue());
    BsonDocument options = spec.getDocument("bucketOptions", new BsonDocument());
    GridFSBucket bucket =
        options.containsKey("bucketName")
            ? GridFSBuckets.create(database, options.getString("bucketName").getValue())
            : GridFSBuckets.create(database);
    for (Map.Entry<String, BsonValue> e : options.entrySet()) {
      BsonValue v = e.getValue();
      bucket =
          switch (e.getKey()) {
            case "bucketName" -> bucket;
            case "chunkSizeBytes" -> bucket.withChunkSizeBytes(v.asNumber().intValue());
            case "readConcern" -> bucket.withReadConcern(DriverOptions.readConcern(v.asDocument()));
            case "writeConcern" ->
                bucket.withWriteConcern(DriverOptions.writeConcern(v.asDocument()));
            case "readPreference" ->
                bucket.withReadPreference(DriverOptions.readPreference(v.asDocument()));
            default -> throw new Unsupported("unsupported bucketOptions: " + e.getKey());
          };
    }
    return bucket;
  }

  private ClientSession createSession(BsonDocument spec) {
    ClientSessionOptions.Builder builder = ClientSessionOptions.builder();
    BsonDocument options = spec.getDocument("sessionOptions", new BsonDocument());
    BsonTimestamp snapshotTime = null;
    for (Map.Entry<String, BsonValue> e : options.entrySet()) {
      switch (e.getKey()) {
        case "causalConsistency" -> builder.causallyConsistent(e.getValue().asBoolean().getValue());
        case "snapshot" -> builder.snapshot(e.getValue().asBoolean().getValue());
        case "snapshotTime" ->
            // An entity saved from getSnapshotTime; the Java driver 5.x takes it on the session.
            snapshotTime = (BsonTimestamp) get(e.getValue().asString().getValue());
        case "defaultTransactionOptions" ->
            builder.defaultTransactionOptions(
                DriverOptions.transactionOptions(e.getValue().asDocument()));
        default -> throw new Unsupported("unsupported sessionOptions: " + e.getKey());
      }
    }
    ClientSession session =
        client(spec.getString("client").getValue()).client().startSession(builder.build());
    if (snapshotTime != null) {
      session.setSnapshotTimestamp(snapshotTime);
    }
    return session;
  }

  Object get(String id) {
    Object entity = entities.get(id);
    if (entity == null) {
      throw new IllegalStateException("no entity named " + id);
    }
    return entity;
  }

  ClientEntity client(String id) {
    return as(id, ClientEntity.class);
  }

  /** The client entity a database or collection entity was made from. */
  ClientEntity clientOf(String id) {
    String client = clientOf.get(id);
    if (client == null) {
      throw new IllegalStateException("entity " + id + " is not a database or collection");
    }
    return client(client);
  }

  MongoDatabase database(String id) {
    return as(id, MongoDatabase.class);
  }

  ClientSession session(String id) {
    return as(id, ClientSession.class);
  }

  private <T> T as(String id, Class<T> type) {
    Object entity = get(id);
    if (!type.isInstance(entity)) {
      throw new IllegalStateException(
          "entity " + id + " is a " + entity.getClass().getSimpleName() + ", not " + type);
    }
    return type.cast(entity);
  }

  /** Saves an operation's result under {@code id}. */
  void save(String id, Object value) {
    if (entities.containsKey(id)) {
      throw new IllegalStateException("entity " + id + " already exists");
    }
    entities.put(id, value);
  }

  List<ClientEntity> clients() {
    List<ClientEntity> clients = new ArrayList<>();
    for (Object entity : entities.values()) {
      if (entity instanceof ClientEntity c) {
        clients.add(c);
      }
    }
    return clients;
  }

  @Override
  public BsonValue value(String name) {
    return entities.get(name) instanceof BsonValue v ? v : null;
  }

  @Override
  public BsonDocument lsid(String name) {
    return lsids.get(name);
  }

  @Override
  public void close() {
    for (Object entity : entities.values()) {
      try {
        if (entity instanceof MongoCursor<?> cursor) {
          cursor.close();
        } else if (entity instanceof ClientSession session) {
          session.close();
        }
      } catch (RuntimeException e) {
        // The test is over; a session or cursor that cannot close cleanly is not its verdict.
      }
    }
    for (ClientEntity client : clients()) {
      client.close();
    }
  }
}
