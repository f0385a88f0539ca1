package dev.starling.node.command.crud;

import dev.starling.node.bson.BsonSizes;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Databases;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.ReadConcerns;
import dev.starling.node.command.WriteConcerns;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.query.Pipeline;
import dev.starling.node.query.Update;
import dev.starling.node.query.WriteStage;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.IndexMeta;
import dev.starling.node.storage.ReadSnapshot;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * An aggregate whose pipeline ends in {@code $out} or {@code $merge}: the rest of the pipeline runs
 * at one storage snapshot of its source, and its results are written through the same storage
 * writers as the insert and update commands, so each write is logged in the oplog and replicates as
 * theirs do. As mongod, it runs only on the writable primary, writes in batches of up to 100,000
 * documents or 16 MB, each batch unordered (a failing document does not stop the others of its
 * batch, and the first failure ends the aggregate after its batch), and replies with an empty
 * cursor.
 */
final class AggregateWrites {
  /** mongod's write_ops::kMaxWriteBatchSize. */
  static final int MAX_BATCH_DOCUMENTS = 100_000;

  /** mongod's BSONObjMaxUserSize: a batch's documents add up to at most this much. */
  static final int MAX_BATCH_BYTES = 16 * 1024 * 1024;

  /** Errors that end the aggregate at once: the member stopped writing. */
  private static final Set<ErrorCode> STOP_WRITING = Statements.FAIL_THE_BATCH;

  private AggregateWrites() {}

  static BsonDocument run(CommandContext context, BsonDocument command, Pipeline pipeline) {
    WriteStage stage = pipeline.writeStage();
    if (!context.node().replication().isWritablePrimary()) {
      // mongod 5.0+ runs it on a secondary that a client chose with a read preference, sending
      // the writes to the primary; this node does not forward writes, so it refuses as mongod
      // refuses any write on a secondary.
      throw new MongoServerException(
          ErrorCode.NOT_WRITABLE_PRIMARY,
          "not primary: "
              + stage.name()
              + " writes only on the primary here (this node does not forward the writes of an"
              + " aggregate run on a secondary to the primary); send it with read preference"
              + " primary");
    }
    if (ReadConcerns.parse(command).linearizable()) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS,
          stage.name() + " cannot be used with a 'linearizable' read concern level");
    }
    String db = stage.db() == null ? context.database() : stage.db();
    checkTarget(stage, db);
    Durability durability = WriteConcerns.durability(context, command);
    try (Source source = Source.open(context, command, pipeline)) {
      if (stage instanceof WriteStage.Out out) {
        out(context, source, db, out, durability);
      } else {
        merge(context, source, db, (WriteStage.Merge) stage, durability);
      }
    } catch (MongoServerException e) {
      // What it wrote before it failed stays written: the client's write concern still applies
      // to it, as mongod waits for it after a failed write command too.
      throw withWriteConcernError(context, command, e);
    }
    BsonDocument reply =
        CursorReplies.firstBatch(
            context.node().cursors(),
            Namespaces.ns(context, command),
            Collections.emptyIterator(),
            0,
            false);
    return WriteConcerns.finish(context, command, reply);
  }

  private static MongoServerException withWriteConcernError(
      CommandContext context, BsonDocument command, MongoServerException e) {
    if (STOP_WRITING.contains(e.error())) {
      return e;
    }
    BsonDocument waited = WriteConcerns.finish(context, command, new BsonDocument());
    if (!waited.containsKey("writeConcernError")) {
      return e;
    }
    BsonDocument extra = e.extra() == null ? new BsonDocument() : e.extra().clone();
    extra.append("writeConcernError", waited.get("writeConcernError"));
    return new MongoServerException(e.error(), e.getMessage(), extra);
  }

  /** The namespace rules mongod checks when it builds the stage. */
  static void checkTarget(WriteStage stage, String db) {
    Databases.validate(db);
    String coll = stage.coll();
    if (coll.isEmpty()
        || coll.contains("\0")
        || coll.startsWith(".")
        || coll.contains("$")
        || db.length() + 1 + coll.length() > 255) {
      throw new MongoServerException(
          ErrorCode.INVALID_NAMESPACE,
          "Invalid " + stage.name() + " target namespace, " + db + "." + coll);
    }
    boolean system = coll.startsWith("system.");
    boolean internal = db.equals("admin") || db.equals("local") || db.equals("config");
    boolean out = stage instanceof WriteStage.Out;
    if (system) {
      throw new MongoServerException(
          ErrorCode.location(out ? 17385 : 31319),
          (out ? "Can't $out" : "Cannot $merge") + " to special collection: " + coll);
    }
    if (internal) {
      throw new MongoServerException(
          ErrorCode.location(out ? 31321 : 31320),
          (out ? "Can't $out" : "Cannot $merge") + " to internal database: " + db);
    }
  }

  // ---- the source

  /**
   * The pipeline's results, read at one snapshot (the majority-committed one for readConcern
   * "majority"): what the aggregate writes, even into its own source, never feeds back into what it
   * reads. Batches are pulled at the snapshot and written at the latest data.
   */
  private static final class Source implements AutoCloseable {
    private final StorageEngine storage;
    private final ReadSnapshot snapshot;
    private final Iterator<BsonDocument> results;
    private BsonDocument pending;

    private Source(StorageEngine storage, ReadSnapshot snapshot, Iterator<BsonDocument> results) {
      this.storage = storage;
      this.snapshot = snapshot;
      this.results = results;
    }

    static Source open(CommandContext context, BsonDocument command, Pipeline pipeline) {
      StorageEngine storage = context.node().storage();
      ReadSnapshot snapshot =
          ReadConcerns.parse(command).majority() && !context.database().equals("local")
              ? context.node().replication().retainMajoritySnapshot()
              : null;
      if (snapshot == null) {
        snapshot = storage.openSnapshot();
      }
      try {
        Iterator<BsonDocument> results =
            storage.readAt(
                snapshot,
                () ->
                    pipeline.stream(
                        AggregateCommand.prepare(context, command, pipeline)
                            .execution()
                            .results()));
        return new Source(storage, snapshot, results);
      } catch (RuntimeException e) {
        snapshot.release();
        throw e;
      }
    }

    /** The next batch of results (empty at the end). */
    List<BsonDocument> nextBatch() {
      return storage.readAt(
          snapshot,
          () -> {
            List<BsonDocument> batch = new ArrayList<>();
            long bytes = 0;
            while (batch.size() < MAX_BATCH_DOCUMENTS) {
              BsonDocument next = pending;
              pending = null;
              if (next == null) {
                if (!results.hasNext()) {
                  break;
                }
                next = results.next();
              }
              int size = BsonSizes.of(next);
              if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                pending = next;
                break;
              }
              batch.add(next);
              bytes += size;
            }
            return batch;
          });
    }

    @Override
    public void close() {
      snapshot.release();
    }
  }

  // ---- $out

  /**
   * Writes every result into a new collection with the target's options and indexes, then renames
   * it over the target in one catalog change (one oplog entry): readers see the old contents or the
   * new, never a mix. On any failure the new collection is dropped and the target is as it was.
   */
  private static void out(
      CommandContext context, Source source, String db, WriteStage.Out out, Durability durability) {
    StorageEngine storage = context.node().storage();
    CollectionMeta target = storage.collection(db, out.coll());
    BsonDocument options = target == null ? new BsonDocument() : target.options().clone();
    List<IndexMeta> indexes = target == null ? List.of() : target.indexes();
    if (options.get("capped") instanceof BsonValue capped
        && capped.isBoolean()
        && capped.asBoolean().getValue()) {
      throw new MongoServerException(
          ErrorCode.location(17152),
          "namespace '" + db + "." + out.coll() + "' is capped so it can't be used for $out");
    }
    CollectionMeta temp =
        storage.createCollection(db, "tmp.agg_out." + UUID.randomUUID(), options.clone());
    boolean renamed = false;
    try {
      for (IndexMeta index : indexes) {
        temp = storage.createIndex(temp, index.name(), index.key(), index.unique(), index.sparse());
      }
      for (List<BsonDocument> batch = source.nextBatch();
          !batch.isEmpty();
          batch = source.nextBatch()) {
        FirstError first = new FirstError();
        try (CollectionWriter writer = storage.writer(temp, durability)) {
          for (BsonDocument doc : batch) {
            try {
              writer.insert(Documents.prepareForInsert(doc));
            } catch (MongoServerException e) {
              first.record(e);
            }
          }
        }
        first.throwIfAny();
      }
      CollectionMeta now = storage.collection(db, out.coll());
      BsonDocument nowOptions = now == null ? new BsonDocument() : now.options();
      List<IndexMeta> nowIndexes = now == null ? List.of() : now.indexes();
      if (!nowOptions.equals(options)) {
        throw new MongoServerException(
            ErrorCode.COMMAND_FAILED,
            "collection options of target collection "
                + db
                + "."
                + out.coll()
                + " changed during processing. Original options: "
                + options.toJson()
                + ", new options: "
                + nowOptions.toJson());
      }
      if (!sameIndexes(indexes, nowIndexes)) {
        throw new MongoServerException(
            ErrorCode.COMMAND_FAILED,
            "indexes of target collection "
                + db
                + "."
                + out.coll()
                + " changed during processing.");
      }
      storage.renameCollection(temp, db, out.coll(), true);
      renamed = true;
      if (now != null) {
        context.node().cursors().killNamespace(now.ns(), "collection dropped");
      }
    } finally {
      if (!renamed) {
        dropTemp(storage, temp);
      }
    }
  }

  private static boolean sameIndexes(List<IndexMeta> before, List<IndexMeta> now) {
    if (before.size() != now.size()) {
      return false;
    }
    for (IndexMeta index : before) {
      IndexMeta other =
          now.stream().filter(i -> i.name().equals(index.name())).findFirst().orElse(null);
      if (other == null
          || !other.key().equals(index.key())
          || other.unique() != index.unique()
          || other.sparse() != index.sparse()) {
        return false;
      }
    }
    return true;
  }

  private static void dropTemp(StorageEngine storage, CollectionMeta temp) {
    CollectionMeta current = storage.collection(temp.uuid());
    if (current == null) {
      return;
    }
    try {
      storage.dropCollection(current);
    } catch (RuntimeException e) {
      // A member that stepped down cannot log the drop: the collection stays, as mongod's does
      // until its next restart.
      Log.warn("could not drop $out's temporary collection %s: %s", current.ns(), e.getMessage());
    }
  }

  // ---- $merge

  private static void merge(
      CommandContext context,
      Source source,
      String db,
      WriteStage.Merge merge,
      Durability durability) {
    StorageEngine storage = context.node().storage();
    CollectionMeta target = storage.collection(db, merge.coll());
    if (!merge.onIdOnly() && !hasUniqueIndexOn(target, merge.on())) {
      throw new MongoServerException(
          ErrorCode.location(51183), "Cannot find index to verify that join fields will be unique");
    }
    if (merge.whenMatched() == WriteStage.WhenMatched.PIPELINE) {
      throw new MongoServerException(
          ErrorCode.NOT_IMPLEMENTED,
          "$merge with a whenMatched pipeline is not supported by this node yet (it has no"
              + " pipeline-style updates): use whenMatched replace, merge, keepExisting or fail");
    }
    BsonDateTime now = new BsonDateTime(context.node().clock().millis());
    for (List<BsonDocument> batch = source.nextBatch();
        !batch.isEmpty();
        batch = source.nextBatch()) {
      mergeBatch(storage, db, merge, batch, durability, now);
    }
  }

  /**
   * Whether the target has a unique index whose fields are exactly {@code on} (mongod's
   * supportsUniqueKey; every index here is a plain ascending/descending one without a partial
   * filter or collation). A target that does not exist has only its implicit {@code _id}.
   */
  static boolean hasUniqueIndexOn(CollectionMeta target, List<String> on) {
    if (target == null) {
      return false;
    }
    Set<String> fields = new HashSet<>(on);
    for (IndexMeta index : target.indexes()) {
      if (index.unique() && index.key().keySet().equals(fields)) {
        return true;
      }
    }
    return false;
  }

  private static void mergeBatch(
      StorageEngine storage,
      String db,
      WriteStage.Merge merge,
      List<BsonDocument> batch,
      Durability durability,
      BsonDateTime now) {
    CollectionMeta target = storage.collection(db, merge.coll());
    if (target == null) {
      switch (merge.whenNotMatched()) {
        case INSERT -> target = storage.collectionForWrite(db, merge.coll());
        case DISCARD -> {
          // Nothing can match, nothing is inserted, and nothing creates the collection; each
          // document is still checked as it would be.
          batch.forEach(doc -> onFilter(withId(doc, merge), merge.on()));
          return;
        }
        case FAIL -> throw noMatch();
      }
    }
    FirstError first = new FirstError();
    boolean unmatched = false;
    try (CollectionWriter writer = storage.writer(target, durability)) {
      for (BsonDocument result : batch) {
        try {
          BsonDocument doc = withId(result, merge);
          BsonDocument filter = onFilter(doc, merge.on());
          if (merge.whenMatched() == WriteStage.WhenMatched.FAIL) {
            writer.insert(Documents.prepareForInsert(doc));
            continue;
          }
          Update update =
              switch (merge.whenMatched()) {
                case REPLACE -> Update.compile(doc);
                case MERGE -> Update.compile(new BsonDocument("$set", doc));
                case KEEP_EXISTING -> Update.compile(new BsonDocument("$setOnInsert", doc));
                case FAIL, PIPELINE -> throw new IllegalStateException();
              };
          DocumentUpdater.Outcome outcome;
          try {
            outcome =
                DocumentUpdater.apply(
                    storage,
                    writer,
                    new FindSpec(filter, null, null, 0, 0, null),
                    update,
                    false,
                    merge.whenNotMatched() == WriteStage.WhenNotMatched.INSERT,
                    now);
          } catch (MongoServerException e) {
            if (e.error() == ErrorCode.IMMUTABLE_FIELD) {
              throw new MongoServerException(
                  e.error(),
                  "$merge failed to update the matching document, did you attempt to modify the"
                      + " _id or the shard key? :: caused by :: "
                      + e.getMessage(),
                  e.extra());
            }
            throw e;
          }
          if (outcome.matched() == 0 && outcome.upsertedId() == null) {
            unmatched = true;
          }
        } catch (MongoServerException e) {
          first.record(e);
        }
      }
    }
    first.throwIfAny();
    if (unmatched && merge.whenNotMatched() == WriteStage.WhenNotMatched.FAIL) {
      throw noMatch();
    }
  }

  private static MongoServerException noMatch() {
    return new MongoServerException(
        ErrorCode.MERGE_STAGE_NO_MATCHING_DOCUMENT,
        "$merge could not find a matching document in the target collection for at least one"
            + " document in the source collection");
  }

  /** A result merged on {@code _id} that has none gets one, as mongod gives it. */
  private static BsonDocument withId(BsonDocument doc, WriteStage.Merge merge) {
    if (doc.containsKey("_id") || !merge.on().contains("_id")) {
      return doc;
    }
    BsonDocument out = new BsonDocument("_id", new BsonObjectId(new ObjectId()));
    out.putAll(doc);
    return out;
  }

  /**
   * The equality filter on the result's {@code on} fields; each must be present, not null or
   * undefined, and not an array nor under one (mongod's 51132 and 51185).
   */
  static BsonDocument onFilter(BsonDocument doc, List<String> on) {
    BsonDocument filter = new BsonDocument();
    // In mongod's order (a set of field paths): an upsert's new document starts with them so.
    for (String field : new java.util.TreeSet<>(on)) {
      BsonValue value = doc;
      for (String part : field.split("\\.")) {
        if (value instanceof BsonDocument d) {
          value = d.get(part);
        } else if (value != null && value.isArray()) {
          throw onArray(field);
        } else {
          value = null;
        }
        if (value == null) {
          break;
        }
      }
      if (value == null || value.isNull() || value.getBsonType() == BsonType.UNDEFINED) {
        throw new MongoServerException(
            ErrorCode.location(51132),
            "$merge write error: 'on' field cannot be missing, null, undefined or an array. Full"
                + " path: "
                + field
                + ", value: "
                + (value == null ? "missing" : value.toString()));
      }
      if (value.isArray()) {
        throw onArray(field);
      }
      // $eq: a document or regex value is a value to equal, not operators or a pattern.
      filter.append(field, new BsonDocument("$eq", value));
    }
    return filter;
  }

  private static MongoServerException onArray(String field) {
    return new MongoServerException(
        ErrorCode.location(51185),
        "$merge write error: 'on' field '" + field + "' is an array or lies under one");
  }

  /**
   * The first write error of an unordered batch, thrown once the batch is done (mongod's batches of
   * $out and $merge are unordered); an error that means the member stopped writing ends it at once.
   */
  private static final class FirstError {
    private MongoServerException first;

    void record(MongoServerException e) {
      if (STOP_WRITING.contains(e.error())) {
        throw e;
      }
      if (first == null) {
        first = e;
      }
    }

    void throwIfAny() {
      if (first != null) {
        throw first;
      }
    }
  }
}
