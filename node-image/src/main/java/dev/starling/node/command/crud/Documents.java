package dev.starling.node.command.crud;

import dev.starling.node.bson.BsonSizes;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.wire.WireLimits;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/** Rules for documents about to be stored. */
final class Documents {
  private Documents() {}

  /**
   * The document with an {@code _id} first (generated if missing), checked as mongod checks
   * inserts.
   */
  static BsonDocument prepareForInsert(BsonDocument doc) {
    // mongod's fixDocumentForInsert: the limit applies to the document as sent; the _id added
    // below may take it a little past 16 MB, which storage accepts up to the internal limit.
    int size = BsonSizes.of(doc);
    if (size > WireLimits.MAX_BSON_OBJECT_SIZE) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE,
          "object to insert too large. size in bytes: "
              + size
              + ", max size: "
              + WireLimits.MAX_BSON_OBJECT_SIZE);
    }
    BsonDocument out;
    BsonValue id = doc.get("_id");
    if (id == null) {
      out = new BsonDocument("_id", new BsonObjectId(new ObjectId()));
      out.putAll(doc);
    } else if (!doc.getFirstKey().equals("_id")) {
      out = new BsonDocument("_id", id);
      doc.forEach(
          (k, v) -> {
            if (!k.equals("_id")) {
              out.put(k, v);
            }
          });
    } else {
      out = doc;
    }
    validateForStorage(out);
    return out;
  }

  /** A stored document's {@code _id} rules (storage checks the size as it encodes). */
  static void validateForStorage(BsonDocument doc) {
    BsonValue id = doc.get("_id");
    if (id != null) {
      if (id.isArray()) {
        throw new MongoServerException(ErrorCode.BAD_VALUE, "can't use an array for _id");
      }
      if (id.isRegularExpression()) {
        throw new MongoServerException(ErrorCode.BAD_VALUE, "can't use a regex for _id");
      }
      if (id.isDocument()) {
        for (String key : id.asDocument().keySet()) {
          if (key.startsWith("$")) {
            throw new MongoServerException(
                ErrorCode.DOLLAR_PREFIXED_FIELD_NAME,
                "_id fields may not contain '$'-prefixed fields: "
                    + key
                    + " is not valid for storage.");
          }
        }
      }
    }
  }
}
