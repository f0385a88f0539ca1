package dev.starling.node.spec;

import com.mongodb.bulk.BulkWriteInsert;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.BulkWriteUpsert;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.InsertManyResult;
import com.mongodb.client.result.InsertOneResult;
import com.mongodb.client.result.UpdateResult;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/** The driver's write results as the documents the format's {@code expectResult} describes. */
final class Results {
  private Results() {}

  static BsonDocument insertOne(InsertOneResult result) {
    if (!result.wasAcknowledged()) {
      return unacknowledged();
    }
    BsonDocument doc = new BsonDocument();
    if (result.getInsertedId() != null) {
      doc.append("insertedId", result.getInsertedId());
    }
    return doc;
  }

  static BsonDocument insertMany(InsertManyResult result) {
    if (!result.wasAcknowledged()) {
      return unacknowledged();
    }
    BsonDocument ids = new BsonDocument();
    for (Map.Entry<Integer, BsonValue> e : result.getInsertedIds().entrySet()) {
      ids.append(Integer.toString(e.getKey()), e.getValue());
    }
    return new BsonDocument("insertedIds", ids);
  }

  static BsonDocument update(UpdateResult result) {
    if (!result.wasAcknowledged()) {
      return unacknowledged();
    }
    BsonDocument doc =
        new BsonDocument("matchedCount", new BsonInt64(result.getMatchedCount()))
            .append("modifiedCount", new BsonInt64(result.getModifiedCount()))
            .append("upsertedCount", new BsonInt64(result.getUpsertedId() == null ? 0 : 1));
    if (result.getUpsertedId() != null) {
      doc.append("upsertedId", result.getUpsertedId());
    }
    return doc;
  }

  static BsonDocument delete(DeleteResult result) {
    if (!result.wasAcknowledged()) {
      return unacknowledged();
    }
    return new BsonDocument("deletedCount", new BsonInt64(result.getDeletedCount()));
  }

  static BsonDocument bulkWrite(BulkWriteResult result) {
    if (!result.wasAcknowledged()) {
      return unacknowledged();
    }
    BsonDocument inserted = new BsonDocument();
    for (BulkWriteInsert insert : result.getInserts()) {
      inserted.append(Integer.toString(insert.getIndex()), insert.getId());
    }
    BsonDocument upserted = new BsonDocument();
    for (BulkWriteUpsert upsert : result.getUpserts()) {
      upserted.append(Integer.toString(upsert.getIndex()), upsert.getId());
    }
    return new BsonDocument("deletedCount", new BsonInt64(result.getDeletedCount()))
        .append("insertedCount", new BsonInt64(result.getInsertedCount()))
        .append("matchedCount", new BsonInt64(result.getMatchedCount()))
        .append("modifiedCount", new BsonInt64(result.getModifiedCount()))
        .append("upsertedCount", new BsonInt64(result.getUpserts().size()))
        .append("insertedIds", inserted)
        .append("upsertedIds", upserted);
  }

  static BsonArray array(Iterable<? extends BsonValue> values) {
    BsonArray array = new BsonArray();
    for (BsonValue v : values) {
      array.add(v);
    }
    return array;
  }

  private static BsonDocument unacknowledged() {
    return new BsonDocument("acknowledged", BsonBoolean.FALSE);
  }
}
