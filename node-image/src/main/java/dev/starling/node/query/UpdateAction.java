package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/** One update operator applied to one path, e.g. {@code $inc} of {@code a.b} by 2. */
final class UpdateAction {
  private static final Set<String> OPERATORS =
      Set.of(
          "$set",
          "$unset",
          "$inc",
          "$mul",
          "$min",
          "$max",
          "$rename",
          "$push",
          "$addToSet",
          "$pull",
          "$pullAll",
          "$pop",
          "$currentDate",
          "$setOnInsert");

  private final String op;
  private final String path;
  private final String[] parts;
  private final BsonValue arg;
  // $rename's destination, $push's modifiers, $pull's condition: compiled once.
  private String[] renameTarget;
  private PushSpec push;
  private Predicate<BsonValue> pullCondition;
  private boolean currentDateTimestamp;

  private UpdateAction(String op, String path, BsonValue arg) {
    this.op = op;
    this.path = path;
    this.parts = Paths.split(path);
    this.arg = arg;
  }

  static boolean isOperator(String op) {
    return OPERATORS.contains(op);
  }

  static UpdateAction compile(String op, String path, BsonValue arg) {
    checkPath(path);
    UpdateAction a = new UpdateAction(op, path, arg);
    switch (op) {
      case "$inc", "$mul" -> {
        if (!BsonTypes.isNumber(arg)) {
          throw MongoServerException.typeMismatch(
              "Cannot "
                  + (op.equals("$inc") ? "increment" : "multiply")
                  + " with non-numeric argument: {"
                  + path
                  + ": "
                  + UpdatePaths.render(arg)
                  + "}");
        }
      }
      case "$rename" -> {
        if (!arg.isString()) {
          throw MongoServerException.badValue(
              "The 'to' field for $rename must be a string: "
                  + path
                  + ": "
                  + UpdatePaths.render(arg));
        }
        String to = arg.asString().getValue();
        checkPath(to);
        if (to.equals(path)) {
          throw MongoServerException.badValue(
              "The source and target field for $rename must differ: " + path + ": \"" + to + "\"");
        }
        if (to.startsWith(path + ".") || path.startsWith(to + ".")) {
          throw MongoServerException.badValue(
              "The source and target field for $rename must not be on the same path: "
                  + path
                  + ": \""
                  + to
                  + "\"");
        }
        a.renameTarget = Paths.split(to);
      }
      case "$pop" -> {
        if (!BsonTypes.isNumber(arg)
            || (Numbers.toDouble(arg) != 1 && Numbers.toDouble(arg) != -1)) {
          throw MongoServerException.failedToParse(
              "$pop expects 1 or -1, found: " + UpdatePaths.render(arg));
        }
      }
      case "$pullAll" -> {
        if (!arg.isArray()) {
          throw MongoServerException.badValue(
              "$pullAll requires an array argument but was given a " + Operators.typeName(arg));
        }
      }
      case "$pull" -> a.pullCondition = pullCondition(arg);
      case "$push", "$addToSet" -> a.push = PushSpec.parse(op, arg);
      case "$currentDate" -> a.currentDateTimestamp = parseCurrentDate(arg);
      default -> {}
    }
    return a;
  }

  private static void checkPath(String path) {
    if (path.isEmpty()) {
      throw new MongoServerException(
          ErrorCode.EMPTY_FIELD_NAME, "An empty update path is not valid.");
    }
    for (String part : Paths.split(path)) {
      if (part.isEmpty()) {
        throw new MongoServerException(
            ErrorCode.EMPTY_FIELD_NAME,
            "The update path '" + path + "' contains an empty field name, which is not allowed.");
      }
      if (part.equals("$") || part.startsWith("$[")) {
        throw MongoServerException.badValue(
            "positional update operators are not supported: '" + path + "'");
      }
    }
  }

  private static boolean parseCurrentDate(BsonValue arg) {
    if (arg.isBoolean()) {
      return false;
    }
    if (arg.isDocument()) {
      BsonValue type = arg.asDocument().get("$type");
      if (arg.asDocument().size() == 1 && type != null && type.isString()) {
        String t = type.asString().getValue();
        if (t.equals("date") || t.equals("timestamp")) {
          return t.equals("timestamp");
        }
      }
      throw MongoServerException.badValue(
          "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate:"
              + " {field : {$type: 'date'}}}");
    }
    throw MongoServerException.badValue(
        Operators.typeName(arg)
            + " is not valid type for $currentDate. Please use a boolean"
            + " ('true') or a $type expression ({$type: 'timestamp/date'}).");
  }

  /** $pull's test of one element: query semantics for documents, equality for plain values. */
  private static Predicate<BsonValue> pullCondition(BsonValue arg) {
    if (Filter.isOperatorObject(arg)) {
      Filter.FieldPredicate p = Filter.compileOperators(arg.asDocument());
      return e -> p.matchesPath(List.of(e));
    }
    if (arg.isDocument()) {
      Filter.DocMatcher m = Filter.compileDocument(arg.asDocument());
      return e -> e.isDocument() && m.matches(e.asDocument());
    }
    Filter.FieldPredicate p = Filter.compileFieldCondition(arg);
    return p::matchesValue;
  }

  /** The paths this action writes (and reads, for $rename), for conflict detection. */
  List<String> touchedPaths() {
    return renameTarget == null ? List.of(path) : List.of(path, String.join(".", renameTarget));
  }

  /** The path whose position orders this action among the others. */
  String[] orderPath() {
    return renameTarget != null ? renameTarget : parts;
  }

  void apply(BsonDocument doc, boolean isUpsertInsert, BsonDateTime now) {
    switch (op) {
      case "$set" -> UpdatePaths.set(doc, parts, UpdatePaths.copy(arg));
      case "$setOnInsert" -> {
        if (isUpsertInsert) {
          UpdatePaths.set(doc, parts, UpdatePaths.copy(arg));
        }
      }
      case "$unset" -> UpdatePaths.remove(doc, parts);
      case "$inc", "$mul" -> arithmetic(doc);
      case "$min", "$max" -> {
        BsonValue current = UpdatePaths.get(doc, parts);
        int c = current == null ? 0 : BsonOrder.compare(arg, current);
        if (current == null || (op.equals("$min") ? c < 0 : c > 0)) {
          UpdatePaths.set(doc, parts, UpdatePaths.copy(arg));
        }
      }
      case "$currentDate" ->
          UpdatePaths.set(
              doc,
              parts,
              currentDateTimestamp
                  ? new BsonTimestamp((int) Math.floorDiv(now.getValue(), 1000L), 1)
                  : now);
      case "$rename" -> rename(doc);
      case "$push" -> push(doc);
      case "$addToSet" -> addToSet(doc);
      case "$pop" -> pop(doc);
      case "$pull" -> removeMatching(doc, pullCondition);
      case "$pullAll" ->
          removeMatching(
              doc,
              e -> {
                for (BsonValue v : arg.asArray()) {
                  if (BsonOrder.compare(v, e) == 0) {
                    return true;
                  }
                }
                return false;
              });
      default -> throw new IllegalStateException(op);
    }
  }

  private void arithmetic(BsonDocument doc) {
    BsonValue current = UpdatePaths.get(doc, parts);
    boolean inc = op.equals("$inc");
    if (current == null) {
      UpdatePaths.set(doc, parts, inc ? arg : Numbers.zeroLike(arg));
      return;
    }
    if (!BsonTypes.isNumber(current)) {
      throw MongoServerException.typeMismatch(
          "Cannot apply "
              + op
              + " to a value of non-numeric type. {_id: "
              + idOf(doc)
              + "} has the field '"
              + parts[parts.length - 1]
              + "' of non-numeric type "
              + Operators.typeName(current));
    }
    BsonValue result =
        inc ? Numbers.add(current, arg, false) : Numbers.multiply(current, arg, false);
    if (result == null) {
      throw MongoServerException.badValue(
          "Failed to apply "
              + op
              + " operations to current value ("
              + UpdatePaths.render(current)
              + ") for document {_id: "
              + idOf(doc)
              + "}");
    }
    UpdatePaths.set(doc, parts, result);
  }

  private static String idOf(BsonDocument doc) {
    BsonValue id = doc.get("_id");
    return id == null ? "null" : UpdatePaths.render(id);
  }

  private void rename(BsonDocument doc) {
    if (UpdatePaths.throughArray(doc, parts)) {
      throw MongoServerException.badValue(
          "The source field cannot be an array element, '" + path + "' in doc with an array");
    }
    if (UpdatePaths.throughArray(doc, renameTarget)) {
      throw MongoServerException.badValue(
          "The destination field cannot be an array element, '"
              + String.join(".", renameTarget)
              + "' in doc with an array");
    }
    BsonValue value = UpdatePaths.get(doc, parts);
    if (value == null) {
      return;
    }
    UpdatePaths.remove(doc, parts);
    // mongod appends the renamed field rather than keeping the old position of the target.
    BsonValue targetParent = UpdatePaths.parent(doc, renameTarget, false);
    if (targetParent instanceof BsonDocument d) {
      d.remove(renameTarget[renameTarget.length - 1]);
    }
    UpdatePaths.set(doc, renameTarget, value);
  }

  private BsonArray arrayAt(BsonDocument doc, String what) {
    BsonValue current = UpdatePaths.get(doc, parts);
    if (current == null) {
      return null;
    }
    if (!current.isArray()) {
      throw MongoServerException.badValue(what.formatted(Operators.typeName(current)));
    }
    return current.asArray();
  }

  private void push(BsonDocument doc) {
    BsonArray current =
        arrayAt(
            doc,
            "The field '"
                + parts[parts.length - 1]
                + "' must be an array but is of type %s in document {_id: "
                + idOf(doc)
                + "}");
    BsonArray array = current == null ? new BsonArray() : current;
    int position = array.size();
    if (push.position() != null) {
      long p = push.position();
      position = (int) (p < 0 ? Math.max(0, array.size() + p) : Math.min(p, array.size()));
    }
    List<BsonValue> values = new ArrayList<>(array.getValues());
    List<BsonValue> added = new ArrayList<>();
    for (BsonValue v : push.each()) {
      added.add(UpdatePaths.copy(v));
    }
    values.addAll(position, added);
    if (push.sort() != null) {
      values.sort(push.sort());
    }
    if (push.slice() != null) {
      long n = push.slice();
      if (n >= 0) {
        values = values.subList(0, (int) Math.min(n, values.size()));
      } else {
        values = values.subList((int) Math.max(0, values.size() + n), values.size());
      }
    }
    UpdatePaths.set(doc, parts, new BsonArray(new ArrayList<>(values)));
  }

  private void addToSet(BsonDocument doc) {
    BsonArray current =
        arrayAt(
            doc,
            "Cannot apply $addToSet to non-array field. Field named '"
                + parts[parts.length - 1]
                + "' has non-array type %s");
    BsonArray array = current == null ? new BsonArray() : current.clone();
    for (BsonValue v : push.each()) {
      boolean present = false;
      for (BsonValue e : array) {
        if (BsonOrder.compare(e, v) == 0) {
          present = true;
          break;
        }
      }
      if (!present) {
        array.add(UpdatePaths.copy(v));
      }
    }
    if (current == null || array.size() != current.size()) {
      UpdatePaths.set(doc, parts, array);
    }
  }

  private void pop(BsonDocument doc) {
    BsonValue current = UpdatePaths.get(doc, parts);
    if (current == null) {
      return;
    }
    if (!current.isArray()) {
      throw MongoServerException.typeMismatch(
          "Path '"
              + path
              + "' contains an element of non-array type '"
              + Operators.typeName(current)
              + "'");
    }
    BsonArray array = current.asArray();
    if (!array.isEmpty()) {
      array.remove(Numbers.toDouble(arg) > 0 ? array.size() - 1 : 0);
    }
  }

  private void removeMatching(BsonDocument doc, Predicate<BsonValue> condition) {
    BsonValue current = UpdatePaths.get(doc, parts);
    if (current == null) {
      return;
    }
    if (!current.isArray()) {
      throw MongoServerException.badValue("Cannot apply " + op + " to a non-array value");
    }
    current.asArray().removeIf(condition);
  }

  /** $push/$addToSet's argument: values to add and the $position, $sort, $slice modifiers. */
  record PushSpec(List<BsonValue> each, Long position, Long slice, Comparator<BsonValue> sort) {
    static PushSpec parse(String op, BsonValue arg) {
      if (!arg.isDocument() || !arg.asDocument().containsKey("$each")) {
        return new PushSpec(List.of(arg), null, null, null);
      }
      BsonDocument spec = arg.asDocument();
      BsonValue each = spec.get("$each");
      if (!each.isArray()) {
        throw MongoServerException.badValue(
            "The argument to $each in "
                + op
                + " must be an array but it was of type: "
                + Operators.typeName(each));
      }
      Long position = null;
      Long slice = null;
      Comparator<BsonValue> sort = null;
      for (Map.Entry<String, BsonValue> e : spec.entrySet()) {
        BsonValue v = e.getValue();
        switch (op.equals("$push") ? e.getKey() : e.getKey().equals("$each") ? "$each" : "?") {
          case "$each" -> {}
          case "$position" -> {
            if (!BsonTypes.isNumber(v) || !Numbers.isIntegral(v)) {
              throw MongoServerException.badValue(
                  "The value for $position must be an integer value, not of type: "
                      + Operators.typeName(v));
            }
            position = Numbers.truncateToLong(v);
          }
          case "$slice" -> {
            if (!BsonTypes.isNumber(v) || !Numbers.isIntegral(v)) {
              throw MongoServerException.badValue(
                  "The value for $slice must be an integer value but was given type: "
                      + Operators.typeName(v));
            }
            slice = Numbers.truncateToLong(v);
          }
          case "$sort" -> sort = SortOrder.forPushSort(v);
          default ->
              throw MongoServerException.badValue(
                  op.equals("$push")
                      ? "Unrecognized clause in $push: " + e.getKey()
                      : "Found unexpected fields after $each in $addToSet: " + spec.toJson());
        }
      }
      return new PushSpec(each.asArray().getValues(), position, slice, sort);
    }
  }
}
