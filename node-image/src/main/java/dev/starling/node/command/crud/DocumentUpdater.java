package dev.starling.node.command.crud;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.query.Update;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Applies one update statement (update command entry or findAndModify) under the collection's write
 * lock: finds the matching documents first, then rewrites each one as its own atomic write; inserts
 * when an upsert matched nothing.
 */
final class DocumentUpdater {
  private DocumentUpdater() {}

  /**
   * What one statement did.
   *
   * @param before the first matched document as it was (null if none)
   * @param after the first document as written (the upserted one, if any)
   */
  record Outcome(
      long matched, long modified, BsonValue upsertedId, BsonDocument before, BsonDocument after) {}

  static Update compile(BsonValue u, boolean multi) {
    if (u == null) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "BSON field 'u' is missing but a required field");
    }
    if (u.isArray()) {
      throw new MongoServerException(
          ErrorCode.NOT_IMPLEMENTED, "pipeline-style updates are not supported by this node yet");
    }
    if (!u.isDocument()) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "Update argument must be either an object or an array");
    }
    Update update = Update.compile(u.asDocument());
    if (multi && update.isReplacement()) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "multi update is not supported for replacement-style update");
    }
    return update;
  }

  static Outcome apply(
      StorageEngine storage,
      CollectionWriter writer,
      FindSpec query,
      Update update,
      boolean multi,
      boolean upsert,
      BsonDateTime now) {
    FindSpec spec =
        new FindSpec(query.filter(), query.sort(), null, 0, multi ? 0 : 1, query.hint());
    List<BsonDocument> matches = new ArrayList<>();
    Iterator<BsonDocument> it = QueryExecutor.find(storage, writer.collection(), spec).results();
    while (it.hasNext()) {
      matches.add(it.next());
    }
    if (matches.isEmpty()) {
      if (!upsert) {
        return new Outcome(0, 0, null, null, null);
      }
      BsonDocument seed = Update.upsertSeed(query.filter());
      if (update.isReplacement()) {
        BsonValue id = seed.get("_id");
        seed = id == null ? new BsonDocument() : new BsonDocument("_id", id);
      }
      BsonDocument inserted = Documents.prepareForInsert(update.apply(seed, true, now).document());
      writer.insert(inserted);
      return new Outcome(0, 0, inserted.get("_id"), null, inserted);
    }
    long modified = 0;
    BsonDocument firstAfter = null;
    for (BsonDocument doc : matches) {
      Update.Result result = update.apply(doc, false, now);
      if (firstAfter == null) {
        firstAfter = result.document();
      }
      if (result.modified()) {
        Documents.validateForStorage(result.document());
        writer.replace(doc, result.document());
        modified++;
      }
    }
    return new Outcome(matches.size(), modified, null, matches.get(0), firstAfter);
  }
}
