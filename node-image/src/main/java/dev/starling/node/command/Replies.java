package dev.starling.node.command;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;

/** Reply documents in MongoDB's shapes. */
public final class Replies {
  private Replies() {}

  public static BsonDocument ok(BsonDocument fields) {
    fields.put("ok", new BsonDouble(1));
    return fields;
  }

  public static BsonDocument error(MongoServerException e) {
    BsonDocument reply = new BsonDocument("ok", new BsonDouble(0));
    reply.append("errmsg", new BsonString(e.getMessage() == null ? "" : e.getMessage()));
    reply.append("code", new BsonInt32(e.code()));
    reply.append("codeName", new BsonString(e.error().codeName()));
    if (e.extra() != null) {
      e.extra().forEach(reply::append);
    }
    return reply;
  }

  /** A write error entry of a writeErrors array. */
  public static BsonDocument writeError(int index, MongoServerException e) {
    BsonDocument entry = new BsonDocument("index", new BsonInt32(index));
    entry.append("code", new BsonInt32(e.code()));
    entry.append("codeName", new BsonString(e.error().codeName()));
    entry.append("errmsg", new BsonString(e.getMessage() == null ? "" : e.getMessage()));
    if (e.extra() != null) {
      e.extra().forEach(entry::append);
    }
    return entry;
  }
}
