package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A compiled update: either a replacement document or a set of update operators ($set, $inc, $push,
 * ...). Applying it yields a new document and whether anything changed, as nModified needs.
 */
public final class Update {
  private final BsonDocument replacement;
  private final List<UpdateAction> actions;

  /** The updated document and whether it differs from the input. */
  public record Result(BsonDocument document, boolean modified) {}

  private Update(BsonDocument replacement, List<UpdateAction> actions) {
    this.replacement = replacement;
    this.actions = actions;
  }

  /**
   * Compiles an update document. A document without $-prefixed keys (including the empty one) is a
   * replacement; the caller rejects replacements where only operators are allowed.
   */
  public static Update compile(BsonDocument update) {
    if (update.isEmpty() || !update.getFirstKey().startsWith("$")) {
      for (String key : update.keySet()) {
        if (key.startsWith("$")) {
          throw new MongoServerException(
              ErrorCode.DOLLAR_PREFIXED_FIELD_NAME,
              "The dollar ($) prefixed field '"
                  + key
                  + "' in '"
                  + key
                  + "' is not allowed in the context of an update's replacement document."
                  + " Consider using an aggregation pipeline with $replaceWith.");
        }
      }
      return new Update(update, List.of());
    }
    List<UpdateAction> actions = new ArrayList<>();
    for (Map.Entry<String, BsonValue> e : update.entrySet()) {
      String op = e.getKey();
      if (!op.startsWith("$") || !UpdateAction.isOperator(op)) {
        throw MongoServerException.failedToParse(
            "Unknown modifier: "
                + op
                + ". Expected a valid update modifier or pipeline-style update specified as an"
                + " array");
      }
      if (!e.getValue().isDocument()) {
        throw MongoServerException.failedToParse(
            "Modifiers operate on fields but we found type "
                + Operators.typeName(e.getValue())
                + " instead. For example: {$mod: {<field>: ...}} not {"
                + op
                + ": "
                + e.getValue()
                + "}");
      }
      for (Map.Entry<String, BsonValue> field : e.getValue().asDocument().entrySet()) {
        actions.add(UpdateAction.compile(op, field.getKey(), field.getValue()));
      }
    }
    checkConflicts(actions);
    // mongod 5+ applies updates in field-name order (numeric names numerically).
    actions.sort(Comparator.comparing(UpdateAction::orderPath, Update::comparePaths));
    return new Update(null, List.copyOf(actions));
  }

  /** True for a replacement document, false for an operator update. */
  public boolean isReplacement() {
    return replacement != null;
  }

  /**
   * Applies the update to a document without changing it. {@code isUpsertInsert} enables
   * $setOnInsert; {@code now} is the time $currentDate writes.
   */
  public Result apply(BsonDocument doc, boolean isUpsertInsert, BsonDateTime now) {
    if (replacement != null) {
      BsonDocument out = replace(doc);
      return new Result(out, !out.equals(doc));
    }
    BsonDocument out = doc.clone();
    for (UpdateAction action : actions) {
      action.apply(out, isUpsertInsert, now);
    }
    BsonValue oldId = doc.get("_id");
    if (oldId != null) {
      BsonValue newId = out.get("_id");
      if (newId == null || !newId.equals(oldId) && BsonOrder.compare(newId, oldId) != 0) {
        throw immutableId();
      }
      if (!newId.equals(oldId)) {
        out.put("_id", oldId);
      }
    }
    return new Result(out, !out.equals(doc));
  }

  private BsonDocument replace(BsonDocument doc) {
    BsonDocument out = new BsonDocument();
    BsonValue oldId = doc.get("_id");
    BsonValue newId = replacement.get("_id");
    if (oldId != null) {
      if (newId != null && BsonOrder.compare(oldId, newId) != 0) {
        throw new MongoServerException(
            ErrorCode.IMMUTABLE_FIELD,
            "After applying the update, the (immutable) field '_id' was found to have been"
                + " altered to _id: "
                + newId);
      }
      out.put("_id", oldId);
    } else if (newId != null) {
      out.put("_id", newId);
    }
    for (Map.Entry<String, BsonValue> e : replacement.entrySet()) {
      if (!e.getKey().equals("_id")) {
        out.put(e.getKey(), UpdatePaths.copy(e.getValue()));
      }
    }
    return out;
  }

  static MongoServerException immutableId() {
    return new MongoServerException(
        ErrorCode.IMMUTABLE_FIELD,
        "Performing an update on the path '_id' would modify the immutable field '_id'");
  }

  private static void checkConflicts(List<UpdateAction> actions) {
    List<String[]> paths = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (UpdateAction a : actions) {
      for (String p : a.touchedPaths()) {
        String[] parts = Paths.split(p);
        for (int i = 0; i < paths.size(); i++) {
          String[] other = paths.get(i);
          int common = Math.min(other.length, parts.length);
          boolean prefix = true;
          for (int j = 0; j < common && prefix; j++) {
            prefix = other[j].equals(parts[j]);
          }
          if (prefix) {
            String shorter = other.length <= parts.length ? names.get(i) : p;
            throw new MongoServerException(
                ErrorCode.CONFLICTING_UPDATE_OPERATORS,
                "Updating the path '" + p + "' would create a conflict at '" + shorter + "'");
          }
        }
        paths.add(parts);
        names.add(p);
      }
    }
  }

  private static int comparePaths(String[] a, String[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      int ia = Paths.arrayIndex(a[i]);
      int ib = Paths.arrayIndex(b[i]);
      int c = ia >= 0 && ib >= 0 ? Integer.compare(ia, ib) : a[i].compareTo(b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  /**
   * The document an upsert starts from: the filter's equality conditions ({a: 1}, {a: {$eq: 1}},
   * inside $and), with dotted paths expanded into sub-documents. Other conditions are ignored.
   */
  public static BsonDocument upsertSeed(BsonDocument filter) {
    BsonDocument seed = new BsonDocument();
    addEqualities(filter, seed);
    BsonValue id = seed.get("_id");
    if (id != null && !seed.getFirstKey().equals("_id")) {
      BsonDocument ordered = new BsonDocument("_id", id);
      for (Map.Entry<String, BsonValue> e : seed.entrySet()) {
        if (!e.getKey().equals("_id")) {
          ordered.put(e.getKey(), e.getValue());
        }
      }
      return ordered;
    }
    return seed;
  }

  private static void addEqualities(BsonDocument filter, BsonDocument seed) {
    for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
      String key = e.getKey();
      BsonValue value = e.getValue();
      if (key.equals("$and") && value.isArray()) {
        for (BsonValue clause : value.asArray()) {
          if (clause.isDocument()) {
            addEqualities(clause.asDocument(), seed);
          }
        }
        continue;
      }
      if (key.startsWith("$")) {
        continue;
      }
      BsonValue equal = null;
      if (Filter.isOperatorObject(value)) {
        BsonDocument ops = value.asDocument();
        if (ops.containsKey("$eq")) {
          equal = ops.get("$eq");
        } else if (ops.containsKey("$in")
            && ops.get("$in").isArray()
            && ops.getArray("$in").size() == 1
            && !ops.getArray("$in").get(0).isRegularExpression()) {
          equal = ops.getArray("$in").get(0);
        }
      } else if (!value.isRegularExpression()) {
        equal = value;
      }
      if (equal != null) {
        UpdatePaths.setIfAbsent(seed, Paths.split(key), UpdatePaths.copy(equal));
      }
    }
  }
}
