package dev.starling.node.bson;

import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** The encoded BSON size of a value, computed by walking it instead of encoding it. */
public final class BsonSizes {
  private BsonSizes() {}

  public static int of(BsonDocument doc) {
    int size = 5; // length prefix and terminating zero
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      size += 1 + cstring(e.getKey()) + value(e.getValue());
    }
    return size;
  }

  private static int array(BsonArray array) {
    int size = 5;
    for (int i = 0; i < array.size(); i++) {
      size += 1 + stringSize(i) + 1 + value(array.get(i));
    }
    return size;
  }

  private static int value(BsonValue v) {
    return switch (v.getBsonType()) {
      case DOUBLE, DATE_TIME, TIMESTAMP, INT64 -> 8;
      case INT32 -> 4;
      case DECIMAL128 -> 16;
      case BOOLEAN -> 1;
      case OBJECT_ID -> 12;
      case STRING -> 4 + cstring(v.asString().getValue());
      case SYMBOL -> 4 + cstring(v.asSymbol().getSymbol());
      case JAVASCRIPT -> 4 + cstring(v.asJavaScript().getCode());
      case JAVASCRIPT_WITH_SCOPE ->
          4
              + 4
              + cstring(v.asJavaScriptWithScope().getCode())
              + of(v.asJavaScriptWithScope().getScope());
      case DOCUMENT -> of(v.asDocument());
      case ARRAY -> array(v.asArray());
      case BINARY -> 5 + v.asBinary().getData().length;
      case REGULAR_EXPRESSION ->
          cstring(v.asRegularExpression().getPattern())
              + cstring(v.asRegularExpression().getOptions());
      case DB_POINTER -> 4 + cstring(v.asDBPointer().getNamespace()) + 12;
      default -> 0; // null, undefined, min key, max key
    };
  }

  /** UTF-8 length plus the terminating zero. */
  private static int cstring(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes + 1;
  }

  private static int stringSize(int i) {
    return i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : i < 10000 ? 4 : Integer.toString(i).length();
  }
}
