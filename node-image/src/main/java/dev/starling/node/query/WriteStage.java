package dev.starling.node.query;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A pipeline's final {@code $out} or {@code $merge} stage, parsed as mongod 6.0 parses it. It does
 * not write anything itself: the aggregate command runs the rest of the pipeline and writes what it
 * yields (see {@code AggregateWrites}). Only the rules that need no catalog are checked here; the
 * target namespace, its indexes and the member's state are checked where the writes are done.
 */
public sealed interface WriteStage {

  /** The target database as given, or null: the aggregate's own database. */
  String db();

  /** The target collection. */
  String coll();

  /** The stage name, {@code $out} or {@code $merge}. */
  String name();

  /** {@code $out}: replaces the target's contents with the results. */
  record Out(String db, String coll) implements WriteStage {
    @Override
    public String name() {
      return "$out";
    }
  }

  /** What {@code $merge} does with a result that matches a target document. */
  enum WhenMatched {
    REPLACE("replace"),
    KEEP_EXISTING("keepExisting"),
    MERGE("merge"),
    FAIL("fail"),
    PIPELINE("pipeline");

    private final String spelling;

    WhenMatched(String spelling) {
      this.spelling = spelling;
    }

    @Override
    public String toString() {
      return spelling;
    }
  }

  /** What {@code $merge} does with a result that matches no target document. */
  enum WhenNotMatched {
    INSERT("insert"),
    DISCARD("discard"),
    FAIL("fail");

    private final String spelling;

    WhenNotMatched(String spelling) {
      this.spelling = spelling;
    }

    @Override
    public String toString() {
      return spelling;
    }
  }

  /**
   * {@code $merge}.
   *
   * @param on the fields a result is matched on (default {@code _id}), in the order given
   * @param pipeline the {@code whenMatched} pipeline, or null
   * @param let the {@code let} variables, or null
   */
  record Merge(
      String db,
      String coll,
      List<String> on,
      WhenMatched whenMatched,
      WhenNotMatched whenNotMatched,
      BsonArray pipeline,
      BsonDocument let)
      implements WriteStage {
    @Override
    public String name() {
      return "$merge";
    }

    /** Whether the results are matched on {@code _id} alone (no unique index needed). */
    public boolean onIdOnly() {
      return on.size() == 1 && on.get(0).equals("_id");
    }
  }

  /** Whether {@code name} is a stage this class parses. */
  static boolean isWriteStage(String name) {
    return name.equals("$out") || name.equals("$merge");
  }

  /** Parses a {@code $out} or {@code $merge} specification. */
  static WriteStage parse(String name, BsonValue spec) {
    return name.equals("$out") ? parseOut(spec) : parseMerge(spec);
  }

  private static MongoServerException error(int code, String message) {
    return new MongoServerException(ErrorCode.location(code), message);
  }

  private static WriteStage parseOut(BsonValue spec) {
    if (spec.isString()) {
      return new Out(null, spec.asString().getValue());
    }
    if (!spec.isDocument()) {
      throw error(
          16990,
          "$out only supports a string or object argument, but found "
              + BsonTypes.name(spec.getBsonType()));
    }
    BsonDocument ns = spec.asDocument();
    if (ns.size() != 2 || !ns.containsKey("db") || !ns.containsKey("coll")) {
      throw error(
          16994, "If an object is passed to $out it must have exactly 2 fields: 'db' and 'coll'");
    }
    return new Out(requireString(ns, "db"), requireString(ns, "coll"));
  }

  /** A string field of $out's object form; mongod reads it as a string without a kinder check. */
  private static String requireString(BsonDocument ns, String field) {
    BsonValue v = ns.get(field);
    if (!v.isString()) {
      throw error(
          13111,
          "wrong type for field ("
              + field
              + ") "
              + v.getBsonType().getValue()
              + " != "
              + org.bson.BsonType.STRING.getValue());
    }
    return v.asString().getValue();
  }

  private static WriteStage parseMerge(BsonValue spec) {
    if (spec.isString()) {
      return checked(
          new Merge(
              null,
              nonEmptyInto(spec.asString().getValue()),
              List.of("_id"),
              WhenMatched.MERGE,
              WhenNotMatched.INSERT,
              null,
              null));
    }
    if (!spec.isDocument()) {
      throw error(
          51182,
          "$merge only supports a string or object argument, not "
              + BsonTypes.name(spec.getBsonType()));
    }
    BsonDocument merge = spec.asDocument();
    Set<String> known =
        Set.of("into", "on", "let", "whenMatched", "whenNotMatched", "targetCollectionVersion");
    for (String field : merge.keySet()) {
      if (!known.contains(field)) {
        throw error(40415, "BSON field '$merge." + field + "' is an unknown field.");
      }
    }
    if (merge.containsKey("targetCollectionVersion")) {
      // Only mongos sends it to a shard; a replica set member never gets it from a client.
      throw error(51123, "Unexpected target chunk version specified");
    }
    BsonValue into = merge.get("into");
    if (into == null) {
      throw error(40414, "BSON field '$merge.into' is missing but a required field");
    }
    String db = null;
    String coll;
    if (into.isString()) {
      coll = nonEmptyInto(into.asString().getValue());
    } else if (into.isDocument()) {
      BsonDocument ns = into.asDocument();
      for (String field : ns.keySet()) {
        if (!field.equals("db") && !field.equals("coll")) {
          throw error(40415, "BSON field 'into." + field + "' is an unknown field.");
        }
      }
      db = optionalString(ns, "db");
      coll = optionalString(ns, "coll");
      if (coll == null || coll.isEmpty()) {
        throw error(
            5786801,
            "$merge 'into' field must specify a 'coll' that is not empty, null or undefined");
      }
    } else {
      throw error(
          51178,
          "$merge 'into' field  must be either a string or an object, but found "
              + BsonTypes.name(into.getBsonType()));
    }
    List<String> on = on(merge.get("on"));
    WhenMatched whenMatched = WhenMatched.MERGE;
    BsonArray pipeline = null;
    BsonValue matched = merge.get("whenMatched");
    if (matched != null) {
      if (matched.isArray()) {
        whenMatched = WhenMatched.PIPELINE;
        pipeline = matched.asArray();
        for (BsonValue stage : pipeline) {
          if (!stage.isDocument()) {
            throw MongoServerException.typeMismatch(
                "Each element of the 'pipeline' array must be an object");
          }
        }
      } else if (matched.isString()) {
        whenMatched = enumValue(WhenMatched.values(), matched.asString().getValue(), "whenMatched");
        if (whenMatched == WhenMatched.PIPELINE) {
          // A pipeline is given as an array, never by name.
          throw badEnum("pipeline", "whenMatched");
        }
      } else {
        throw error(
            51191,
            "$merge 'whenMatched' field  must be either a string or an array, but found "
                + BsonTypes.name(matched.getBsonType()));
      }
    }
    WhenNotMatched whenNotMatched = WhenNotMatched.INSERT;
    BsonValue notMatched = merge.get("whenNotMatched");
    if (notMatched != null) {
      if (!notMatched.isString()) {
        throw MongoServerException.typeMismatch(
            "BSON field '$merge.whenNotMatched' is the wrong type '"
                + BsonTypes.name(notMatched.getBsonType())
                + "', expected type 'string'");
      }
      whenNotMatched =
          enumValue(WhenNotMatched.values(), notMatched.asString().getValue(), "whenNotMatched");
    }
    BsonDocument let = null;
    BsonValue letValue = merge.get("let");
    if (letValue != null) {
      if (!letValue.isDocument()) {
        throw MongoServerException.typeMismatch(
            "BSON field '$merge.let' is the wrong type '"
                + BsonTypes.name(letValue.getBsonType())
                + "', expected type 'object'");
      }
      let = letValue.asDocument();
    }
    return checked(new Merge(db, coll, on, whenMatched, whenNotMatched, pipeline, let));
  }

  /** The rules on a parsed $merge that mongod checks before it runs anything. */
  private static Merge checked(Merge merge) {
    if (!supported(merge.whenMatched(), merge.whenNotMatched())) {
      throw error(
          51181,
          "Combination of $merge modes 'whenMatched: "
              + merge.whenMatched()
              + "' and 'whenNotMatched: "
              + merge.whenNotMatched()
              + "' is not supported");
    }
    if (merge.whenMatched() == WhenMatched.PIPELINE) {
      if (merge.let() != null
          && merge.let().get("new") instanceof BsonValue value
          && !(value.isString() && value.asString().getValue().equals("$$ROOT"))) {
        throw error(
            51273,
            "'let' may not define a value for the reserved 'new' variable other than '$$ROOT'");
      }
    } else if (merge.let() != null) {
      throw error(
          51199, "Cannot use 'let' variables with 'whenMatched: " + merge.whenMatched() + "' mode");
    }
    return merge;
  }

  /** mongod's supported pairs: keepExisting and fail only insert what they do not match. */
  private static boolean supported(WhenMatched matched, WhenNotMatched notMatched) {
    return switch (matched) {
      case REPLACE, MERGE, PIPELINE -> true;
      case KEEP_EXISTING, FAIL -> notMatched == WhenNotMatched.INSERT;
    };
  }

  private static String nonEmptyInto(String coll) {
    if (coll.isEmpty()) {
      throw error(5786800, "$merge 'into' field cannot be an empty string");
    }
    return coll;
  }

  private static String optionalString(BsonDocument doc, String field) {
    BsonValue v = doc.get(field);
    if (v == null || v.isNull() || v.getBsonType() == org.bson.BsonType.UNDEFINED) {
      return null;
    }
    if (!v.isString()) {
      throw MongoServerException.typeMismatch(
          "BSON field 'into."
              + field
              + "' is the wrong type '"
              + BsonTypes.name(v.getBsonType())
              + "', expected type 'string'");
    }
    return v.asString().getValue();
  }

  private static List<String> on(BsonValue value) {
    if (value == null) {
      return List.of("_id");
    }
    List<String> fields = new ArrayList<>();
    if (value.isString()) {
      fields.add(value.asString().getValue());
    } else if (value.isArray()) {
      for (BsonValue element : value.asArray()) {
        if (!element.isString()) {
          throw error(
              51134,
              "$merge 'on' array elements must be strings, but found "
                  + BsonTypes.name(element.getBsonType()));
        }
        fields.add(element.asString().getValue());
      }
    } else {
      throw error(
          51186,
          "$merge 'on' field  must be either a string or an array of strings, but found "
              + BsonTypes.name(value.getBsonType()));
    }
    if (fields.isEmpty()) {
      throw error(51187, "If explicitly specifying $merge 'on', must include at least one field");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String field : fields) {
      validateFieldPath(field);
      if (!seen.add(field)) {
        throw error(31465, "Found a duplicate field '" + field + "'");
      }
    }
    return List.copyOf(fields);
  }

  /** mongod's FieldPath rules for an 'on' field. */
  private static void validateFieldPath(String path) {
    if (path.isEmpty()) {
      throw error(40352, "FieldPath cannot be constructed with empty string");
    }
    if (path.endsWith(".")) {
      throw error(40353, "FieldPath must not end with a '.'.");
    }
    for (String part : path.split("\\.", -1)) {
      if (part.isEmpty()) {
        throw error(15998, "FieldPath field names may not be empty strings.");
      }
      if (part.startsWith("$")) {
        throw error(16410, "FieldPath field names may not start with '$'.");
      }
    }
  }

  private static <E extends Enum<E>> E enumValue(E[] values, String given, String field) {
    for (E e : values) {
      if (e.toString().equals(given)) {
        return e;
      }
    }
    throw badEnum(given, field);
  }

  private static MongoServerException badEnum(String given, String field) {
    return MongoServerException.badValue(
        "Enumeration value '" + given + "' for field '" + field + "' is not a valid value.");
  }
}
