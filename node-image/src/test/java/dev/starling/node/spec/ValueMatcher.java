package dev.starling.node.spec;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * Compares an expected value of a unified test file with an actual value, following the format's
 * matching rules: extra fields are allowed in root-level documents only, numbers are equal by value
 * whatever their BSON type, and the {@code $$} operators ({@code $$exists}, {@code $$type}, {@code
 * $$unsetOrMatches}, {@code $$matchesEntity}, {@code $$matchesHexBytes}, {@code $$sessionLsid},
 * {@code $$lte}, {@code $$matchAsDocument}, {@code $$matchAsRoot}) apply. A mismatch throws {@link
 * MatchFailure} naming the path where it was found.
 */
public final class ValueMatcher {
  /** What the matcher needs to know about the test's entities. */
  public interface EntityLookup {
    /** The value saved under {@code name}, or null if there is none. */
    BsonValue value(String name);

    /** The logical session id of session entity {@code name}, or null if there is none. */
    BsonDocument lsid(String name);
  }

  /** A lookup for tests without entities. */
  public static final EntityLookup NO_ENTITIES =
      new EntityLookup() {
        @Override
        public BsonValue value(String name) {
          return null;
        }

        @Override
        public BsonDocument lsid(String name) {
          return null;
        }
      };

  private static final Map<String, List<BsonType>> TYPE_NAMES =
      Map.ofEntries(
          Map.entry("double", List.of(BsonType.DOUBLE)),
          Map.entry("string", List.of(BsonType.STRING)),
          Map.entry("object", List.of(BsonType.DOCUMENT)),
          Map.entry("array", List.of(BsonType.ARRAY)),
          Map.entry("binData", List.of(BsonType.BINARY)),
          Map.entry("undefined", List.of(BsonType.UNDEFINED)),
          Map.entry("objectId", List.of(BsonType.OBJECT_ID)),
          Map.entry("bool", List.of(BsonType.BOOLEAN)),
          Map.entry("date", List.of(BsonType.DATE_TIME)),
          Map.entry("null", List.of(BsonType.NULL)),
          Map.entry("regex", List.of(BsonType.REGULAR_EXPRESSION)),
          Map.entry("dbPointer", List.of(BsonType.DB_POINTER)),
          Map.entry("javascript", List.of(BsonType.JAVASCRIPT)),
          Map.entry("symbol", List.of(BsonType.SYMBOL)),
          Map.entry("javascriptWithScope", List.of(BsonType.JAVASCRIPT_WITH_SCOPE)),
          Map.entry("int", List.of(BsonType.INT32)),
          Map.entry("timestamp", List.of(BsonType.TIMESTAMP)),
          Map.entry("long", List.of(BsonType.INT64)),
          Map.entry("decimal", List.of(BsonType.DECIMAL128)),
          Map.entry("minKey", List.of(BsonType.MIN_KEY)),
          Map.entry("maxKey", List.of(BsonType.MAX_KEY)),
          Map.entry(
              "number",
              List.of(BsonType.INT32, BsonType.INT64, BsonType.DOUBLE, BsonType.DECIMAL128)));

  private final EntityLookup entities;

  public ValueMatcher(EntityLookup entities) {
    this.entities = entities;
  }

  /** A mismatch between an expected and an actual value. */
  public static final class MatchFailure extends AssertionError {
    MatchFailure(String message) {
      super(message);
    }
  }

  /**
   * Matches {@code actual} (null when absent) against {@code expected} as a root-level value:
   * documents directly in it, or directly in an array that it is, may have extra fields.
   */
  public void matchRoot(BsonValue expected, BsonValue actual) {
    match("", expected, actual, true);
  }

  /** Matches with no extra fields allowed anywhere, as the outcome of a test requires. */
  public void matchExactly(BsonValue expected, BsonValue actual) {
    match("", expected, actual, false);
  }

  private void match(String path, BsonValue expected, BsonValue actual, boolean root) {
    if (isOperator(expected)) {
      matchOperator(path, expected.asDocument(), actual, root);
      return;
    }
    if (actual == null) {
      throw fail(path, "expected " + brief(expected) + " but the value is absent");
    }
    if (expected.isDocument()) {
      matchDocument(path, expected.asDocument(), actual, root);
    } else if (expected.isArray()) {
      matchArray(path, expected.asArray(), actual, root);
    } else if (expected.isNumber() || expected.isDecimal128()) {
      if (!isNumeric(actual) || compareNumbers(expected, actual) != 0) {
        throw fail(path, "expected " + brief(expected) + " but got " + brief(actual));
      }
    } else if (!expected.equals(actual)) {
      throw fail(path, "expected " + brief(expected) + " but got " + brief(actual));
    }
  }

  private void matchDocument(String path, BsonDocument expected, BsonValue actual, boolean root) {
    if (!actual.isDocument()) {
      throw fail(path, "expected a document but got " + brief(actual));
    }
    BsonDocument doc = actual.asDocument();
    for (Map.Entry<String, BsonValue> entry : expected.entrySet()) {
      String key = entry.getKey();
      String childPath = path.isEmpty() ? key : path + "." + key;
      BsonValue want = entry.getValue();
      if (isOperator(want) && want.asDocument().containsKey("$$exists")) {
        boolean shouldExist = want.asDocument().getBoolean("$$exists").getValue();
        if (shouldExist != doc.containsKey(key)) {
          throw fail(childPath, shouldExist ? "expected the field to exist" : "expected no field");
        }
        continue;
      }
      match(childPath, want, doc.get(key), false);
    }
    if (!root) {
      for (String key : doc.keySet()) {
        if (!expected.containsKey(key)) {
          throw fail(path, "unexpected field " + key + " in " + brief(doc));
        }
      }
    }
  }

  private void matchArray(String path, BsonArray expected, BsonValue actual, boolean root) {
    if (!actual.isArray()) {
      throw fail(path, "expected an array but got " + brief(actual));
    }
    BsonArray array = actual.asArray();
    if (array.size() != expected.size()) {
      throw fail(
          path,
          "expected "
              + expected.size()
              + " elements but got "
              + array.size()
              + ": "
              + brief(array));
    }
    for (int i = 0; i < expected.size(); i++) {
      match(path + "[" + i + "]", expected.get(i), array.get(i), root);
    }
  }

  private void matchOperator(String path, BsonDocument operator, BsonValue actual, boolean root) {
    String name = operator.getFirstKey();
    BsonValue argument = operator.get(name);
    switch (name) {
      case "$$exists" -> {
        // Outside a document field the only question is whether there is a value.
        if (argument.asBoolean().getValue() != (actual != null)) {
          throw fail(path, "$$exists " + argument.asBoolean().getValue() + " does not hold");
        }
      }
      case "$$unsetOrMatches" -> {
        if (actual != null) {
          match(path, argument, actual, root);
        }
      }
      case "$$type" -> matchType(path, argument, actual);
      case "$$matchesEntity" -> {
        BsonValue entity = entities.value(argument.asString().getValue());
        if (entity == null) {
          throw fail(path, "no entity named " + argument.asString().getValue());
        }
        match(path, entity, actual, root);
      }
      case "$$matchesHexBytes" -> {
        byte[] want = HexFormat.of().parseHex(argument.asString().getValue().toLowerCase());
        if (actual == null
            || !actual.isBinary()
            || !java.util.Arrays.equals(want, actual.asBinary().getData())) {
          throw fail(path, "expected bytes " + argument.asString().getValue());
        }
      }
      case "$$sessionLsid" -> {
        BsonDocument lsid = entities.lsid(argument.asString().getValue());
        if (lsid == null) {
          throw fail(path, "no session entity named " + argument.asString().getValue());
        }
        match(path, lsid, actual, false);
      }
      case "$$lte" -> {
        if (actual == null || !isNumeric(actual) || compareNumbers(actual, argument) > 0) {
          throw fail(path, "expected a number <= " + brief(argument) + " but got " + brief(actual));
        }
      }
      case "$$matchAsDocument" -> {
        if (actual == null || !actual.isString()) {
          throw fail(path, "expected a JSON string but got " + brief(actual));
        }
        match(path, argument, BsonDocument.parse(actual.asString().getValue()), false);
      }
      case "$$matchAsRoot" -> match(path, argument, actual, true);
      default -> throw fail(path, "unsupported match operator: " + name);
    }
  }

  private void matchType(String path, BsonValue argument, BsonValue actual) {
    List<BsonValue> names = argument.isArray() ? argument.asArray().getValues() : List.of(argument);
    if (actual == null) {
      throw fail(path, "expected a value of type " + brief(argument) + " but the value is absent");
    }
    for (BsonValue name : names) {
      List<BsonType> types = TYPE_NAMES.get(name.asString().getValue());
      if (types == null) {
        throw fail(path, "unknown $$type " + name.asString().getValue());
      }
      if (types.contains(actual.getBsonType())) {
        return;
      }
    }
    throw fail(path, "expected type " + brief(argument) + " but got " + actual.getBsonType());
  }

  private static boolean isOperator(BsonValue value) {
    return value != null
        && value.isDocument()
        && value.asDocument().size() == 1
        && value.asDocument().getFirstKey().startsWith("$$");
  }

  private static boolean isNumeric(BsonValue value) {
    return value.isNumber() || value.isDecimal128();
  }

  /** Compares two numbers by value, whatever their BSON types. */
  static int compareNumbers(BsonValue a, BsonValue b) {
    if (!isFinite(a) || !isFinite(b)) {
      return Double.compare(a.asNumber().doubleValue(), b.asNumber().doubleValue());
    }
    return numericValue(a).compareTo(numericValue(b));
  }

  private static boolean isFinite(BsonValue value) {
    return !value.isDouble() || Double.isFinite(value.asDouble().getValue());
  }

  private static BigDecimal numericValue(BsonValue value) {
    return switch (value.getBsonType()) {
      case INT32 -> BigDecimal.valueOf(value.asInt32().getValue());
      case INT64 -> BigDecimal.valueOf(value.asInt64().getValue());
      case DOUBLE -> new BigDecimal(value.asDouble().getValue());
      case DECIMAL128 -> value.asDecimal128().getValue().bigDecimalValue();
      default -> throw new IllegalArgumentException("not a number: " + value);
    };
  }

  private static MatchFailure fail(String path, String message) {
    return new MatchFailure((path.isEmpty() ? "" : "at " + path + ": ") + message);
  }

  /** A short rendering of a value for a one-line failure message. */
  static String brief(BsonValue value) {
    if (value == null) {
      return "(absent)";
    }
    // Rendered as extended JSON through a one-field document: {"v": <value>}.
    String json = new BsonDocument("v", value).toJson();
    String text = json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
