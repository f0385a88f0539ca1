package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** Typed access to command fields, failing with MongoDB's errors on a wrong type. */
public final class Args {
  private Args() {}

  /** The collection named by the command's first field. */
  public static String collection(BsonDocument command) {
    BsonValue v = command.get(command.getFirstKey());
    if (!v.isString()) {
      throw new MongoServerException(
          ErrorCode.INVALID_NAMESPACE, "collection name has invalid type " + TypeNames.of(v));
    }
    String name = v.asString().getValue();
    if (name.isEmpty() || name.contains("\0") || name.startsWith(".") || name.contains("$")) {
      throw new MongoServerException(
          ErrorCode.INVALID_NAMESPACE, "Invalid collection name: " + name);
    }
    return name;
  }

  public static BsonDocument document(BsonDocument command, String field, BsonDocument otherwise) {
    BsonValue v = command.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isDocument()) {
      throw typeMismatch(field, "object", v);
    }
    return v.asDocument();
  }

  public static BsonArray array(BsonDocument command, String field) {
    BsonValue v = command.get(field);
    if (v == null) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "BSON field '" + field + "' is missing but a required field");
    }
    if (!v.isArray()) {
      throw typeMismatch(field, "array", v);
    }
    return v.asArray();
  }

  public static String string(BsonDocument command, String field, String otherwise) {
    BsonValue v = command.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isString()) {
      throw typeMismatch(field, "string", v);
    }
    return v.asString().getValue();
  }

  public static long number(BsonDocument command, String field, long otherwise) {
    BsonValue v = command.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isNumber()) {
      throw typeMismatch(field, "number", v);
    }
    return v.asNumber().longValue();
  }

  public static boolean bool(BsonDocument command, String field, boolean otherwise) {
    BsonValue v = command.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (v.isBoolean()) {
      return v.asBoolean().getValue();
    }
    if (v.isNumber()) {
      return v.asNumber().doubleValue() != 0;
    }
    throw typeMismatch(field, "bool", v);
  }

  private static MongoServerException typeMismatch(String field, String expected, BsonValue v) {
    return new MongoServerException(
        ErrorCode.TYPE_MISMATCH,
        "BSON field '"
            + field
            + "' is the wrong type '"
            + TypeNames.of(v)
            + "', expected type '"
            + expected
            + "'");
  }
}
