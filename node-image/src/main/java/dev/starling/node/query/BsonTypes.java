package dev.starling.node.query;

import dev.starling.node.error.MongoServerException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.bson.BsonType;
import org.bson.BsonValue;

/** MongoDB's names and numbers for BSON types, as $type in queries and expressions uses them. */
final class BsonTypes {
  private static final Map<String, BsonType> ALIASES =
      Map.ofEntries(
          Map.entry("double", BsonType.DOUBLE),
          Map.entry("string", BsonType.STRING),
          Map.entry("object", BsonType.DOCUMENT),
          Map.entry("array", BsonType.ARRAY),
          Map.entry("binData", BsonType.BINARY),
          Map.entry("undefined", BsonType.UNDEFINED),
          Map.entry("objectId", BsonType.OBJECT_ID),
          Map.entry("bool", BsonType.BOOLEAN),
          Map.entry("date", BsonType.DATE_TIME),
          Map.entry("null", BsonType.NULL),
          Map.entry("regex", BsonType.REGULAR_EXPRESSION),
          Map.entry("dbPointer", BsonType.DB_POINTER),
          Map.entry("javascript", BsonType.JAVASCRIPT),
          Map.entry("symbol", BsonType.SYMBOL),
          Map.entry("javascriptWithScope", BsonType.JAVASCRIPT_WITH_SCOPE),
          Map.entry("int", BsonType.INT32),
          Map.entry("timestamp", BsonType.TIMESTAMP),
          Map.entry("long", BsonType.INT64),
          Map.entry("decimal", BsonType.DECIMAL128),
          Map.entry("minKey", BsonType.MIN_KEY),
          Map.entry("maxKey", BsonType.MAX_KEY));

  private static final Set<BsonType> NUMBERS =
      EnumSet.of(BsonType.INT32, BsonType.INT64, BsonType.DOUBLE, BsonType.DECIMAL128);

  private BsonTypes() {}

  /** The alias $type returns for a value's type, e.g. "int" or "objectId". */
  static String name(BsonType type) {
    for (Map.Entry<String, BsonType> e : ALIASES.entrySet()) {
      if (e.getValue() == type) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(type.toString());
  }

  static boolean isNumber(BsonValue v) {
    return v != null && NUMBERS.contains(v.getBsonType());
  }

  /** The types a query's $type argument (a number or alias, "number" meaning all four) names. */
  static Set<BsonType> parseTypeArgument(BsonValue arg) {
    EnumSet<BsonType> types = EnumSet.noneOf(BsonType.class);
    if (arg.isArray()) {
      if (arg.asArray().isEmpty()) {
        throw MongoServerException.failedToParse("$type must match at least one type");
      }
      for (BsonValue v : arg.asArray()) {
        types.addAll(parseOne(v));
      }
    } else {
      types.addAll(parseOne(arg));
    }
    return types;
  }

  private static Set<BsonType> parseOne(BsonValue v) {
    if (v.isString()) {
      String s = v.asString().getValue();
      if (s.equals("number")) {
        return NUMBERS;
      }
      BsonType t = ALIASES.get(s);
      if (t == null) {
        throw MongoServerException.badValue("Unknown type name alias: " + s);
      }
      return EnumSet.of(t);
    }
    if (v.isNumber()) {
      double d = v.asNumber().doubleValue();
      int code = (int) d;
      if (code != d) {
        throw MongoServerException.badValue(
            "Invalid numerical type code: " + v.asNumber().doubleValue());
      }
      if (code == -1) {
        return EnumSet.of(BsonType.MIN_KEY);
      }
      if (code == 127) {
        return EnumSet.of(BsonType.MAX_KEY);
      }
      if (code >= 1 && code <= 19) {
        return EnumSet.of(BsonType.findByValue(code));
      }
      throw MongoServerException.badValue("Invalid numerical type code: " + code);
    }
    throw MongoServerException.typeMismatch("type must be represented as a number or a string");
  }
}
