package dev.starling.node.storage;

import java.io.ByteArrayOutputStream;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Index entry keys: index id, then each key field encoded in its direction, then (for non-unique
 * indexes) the encoded {@code _id} so that equal keys of different documents are distinct entries.
 * The value is the encoded {@code _id}, which locates the record.
 */
public final class IndexEntries {
  private IndexEntries() {}

  static byte[] key(IndexMeta index, BsonValue[] tuple, byte[] encodedId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    out.writeBytes(Keys.prefix(index.id()));
    out.writeBytes(tupleKey(index.key(), tuple));
    if (!index.unique()) {
      out.writeBytes(encodedId);
    }
    return out.toByteArray();
  }

  /** The encoded key fields (without the index prefix), as scan bounds are given. */
  public static byte[] tupleKey(BsonDocument keyPattern, BsonValue[] tuple) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    int i = 0;
    for (String field : keyPattern.keySet()) {
      if (i >= tuple.length) {
        break;
      }
      out.writeBytes(
          descending(keyPattern.get(field))
              ? KeyEncoding.encodeDescending(tuple[i])
              : KeyEncoding.encode(tuple[i]));
      i++;
    }
    return out.toByteArray();
  }

  public static boolean descending(BsonValue direction) {
    return direction.isNumber() && direction.asNumber().doubleValue() < 0;
  }

  /**
   * Whether a sparse index holds the document: some key field is present (an explicit null counts).
   */
  static boolean hasAnyField(BsonDocument doc, BsonDocument keyPattern) {
    for (String field : keyPattern.keySet()) {
      if (!IndexKeys.valuesAt(doc, field).isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
