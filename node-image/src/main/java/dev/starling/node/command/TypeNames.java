package dev.starling.node.command;

import org.bson.BsonValue;

/** BSON type names as MongoDB's error messages spell them. */
public final class TypeNames {
  private TypeNames() {}

  public static String of(BsonValue v) {
    return switch (v.getBsonType()) {
      case DOUBLE -> "double";
      case STRING -> "string";
      case DOCUMENT -> "object";
      case ARRAY -> "array";
      case BINARY -> "binData";
      case UNDEFINED -> "undefined";
      case OBJECT_ID -> "objectId";
      case BOOLEAN -> "bool";
      case DATE_TIME -> "date";
      case NULL -> "null";
      case REGULAR_EXPRESSION -> "regex";
      case INT32 -> "int";
      case TIMESTAMP -> "timestamp";
      case INT64 -> "long";
      case DECIMAL128 -> "decimal";
      case MIN_KEY -> "minKey";
      case MAX_KEY -> "maxKey";
      default -> v.getBsonType().name().toLowerCase();
    };
  }
}
