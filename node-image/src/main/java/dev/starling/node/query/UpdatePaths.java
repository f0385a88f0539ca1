package dev.starling.node.query;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;

/**
 * Navigation of dotted paths for writes: numeric components index arrays, missing intermediate
 * documents are created, and paths through scalars fail with PathNotViable as in mongod.
 */
final class UpdatePaths {
  private UpdatePaths() {}

  /** A deep copy of a value: documents and arrays are mutable, the other BSON values are not. */
  static BsonValue copy(BsonValue v) {
    if (v instanceof BsonDocument d) {
      return d.clone();
    }
    if (v instanceof BsonArray a) {
      return a.clone();
    }
    return v;
  }

  /** The value at an exact path (numeric components index arrays), or null when absent. */
  static BsonValue get(BsonValue root, String[] parts) {
    BsonValue cur = root;
    for (String part : parts) {
      cur = child(cur, part);
      if (cur == null) {
        return null;
      }
    }
    return cur;
  }

  static BsonValue child(BsonValue container, String name) {
    if (container instanceof BsonDocument d) {
      return d.get(name);
    }
    if (container instanceof BsonArray a) {
      int index = Paths.arrayIndex(name);
      return index >= 0 && index < a.size() ? a.get(index) : null;
    }
    return null;
  }

  /**
   * The document or array holding the last component of a path. With {@code create}, missing
   * intermediate documents are made; without it, null is returned when the path is absent.
   */
  static BsonValue parent(BsonDocument doc, String[] parts, boolean create) {
    BsonValue cur = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      BsonValue next = child(cur, parts[i]);
      if (next == null) {
        if (!create) {
          return null;
        }
        if (cur instanceof BsonArray && Paths.arrayIndex(parts[i]) < 0) {
          throw cannotCreate(parts[i], parts, i - 1, cur);
        }
        next = new BsonDocument();
        put(cur, parts[i], next);
      } else if (!(next instanceof BsonDocument) && !(next instanceof BsonArray)) {
        if (!create) {
          return null;
        }
        throw cannotCreate(parts[i + 1], parts, i, next);
      }
      cur = next;
    }
    return cur;
  }

  private static MongoServerException cannotCreate(
      String field, String[] parts, int holderIndex, BsonValue holder) {
    String name = holderIndex >= 0 ? parts[holderIndex] : "";
    return new MongoServerException(
        ErrorCode.PATH_NOT_VIABLE,
        "Cannot create field '" + field + "' in element {" + name + ": " + render(holder) + "}");
  }

  static String render(BsonValue v) {
    String json = new BsonDocument("v", v).toJson();
    return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
  }

  /** Sets a value at a path, creating intermediate documents and padding arrays with nulls. */
  static void set(BsonDocument doc, String[] parts, BsonValue value) {
    BsonValue parent = parent(doc, parts, true);
    String last = parts[parts.length - 1];
    if (parent instanceof BsonArray && Paths.arrayIndex(last) < 0) {
      throw cannotCreate(last, parts, parts.length - 2, parent);
    }
    put(parent, last, value);
  }

  static void put(BsonValue container, String name, BsonValue value) {
    if (container instanceof BsonDocument d) {
      d.put(name, value);
      return;
    }
    BsonArray a = (BsonArray) container;
    int index = Paths.arrayIndex(name);
    while (a.size() < index) {
      a.add(BsonNull.VALUE);
    }
    if (index < a.size()) {
      a.set(index, value);
    } else {
      a.add(value);
    }
  }

  /** Removes the value at a path (an array element becomes null); returns the old value. */
  static BsonValue remove(BsonDocument doc, String[] parts) {
    BsonValue parent = parent(doc, parts, false);
    String last = parts[parts.length - 1];
    if (parent instanceof BsonDocument d) {
      return d.remove(last);
    }
    if (parent instanceof BsonArray a) {
      int index = Paths.arrayIndex(last);
      if (index >= 0 && index < a.size()) {
        return a.set(index, BsonNull.VALUE);
      }
    }
    return null;
  }

  /** Sets a value unless the path is already taken or runs through a non-document. */
  static void setIfAbsent(BsonDocument doc, String[] parts, BsonValue value) {
    BsonDocument cur = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      BsonValue next = cur.get(parts[i]);
      if (next == null) {
        next = new BsonDocument();
        cur.put(parts[i], next);
      } else if (!next.isDocument()) {
        return;
      }
      cur = next.asDocument();
    }
    cur.putIfAbsent(parts[parts.length - 1], value);
  }

  /** Whether any proper prefix of the path names an array in the document. */
  static boolean throughArray(BsonDocument doc, String[] parts) {
    BsonValue cur = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      cur = child(cur, parts[i]);
      if (cur == null) {
        return false;
      }
      if (cur.isArray()) {
        return true;
      }
    }
    return false;
  }
}
