package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.query.Pipeline.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonValue;

/** The aggregation stages ($match, $group, $unwind, ...) compiled from their specifications. */
final class Stages {
  private Stages() {}

  static Stage compile(String name, BsonValue spec) {
    return switch (name) {
      case "$match" -> match(spec);
      case "$project" -> project(spec);
      case "$addFields", "$set" -> map(AddFields.compile(name, spec)::apply);
      case "$unset" -> unset(spec);
      case "$sort" -> sort(spec);
      case "$limit" -> limit(spec);
      case "$skip" -> skip(spec);
      case "$group" -> Group.compile(spec);
      case "$count" -> count(spec);
      case "$unwind" -> unwind(spec);
      case "$replaceRoot" -> replaceRoot(spec);
      case "$replaceWith" -> replaceWith(Expression.compile(spec));
      case "$sortByCount" -> sortByCount(spec);
      default ->
          throw new MongoServerException(
              ErrorCode.LOCATION_40324, "Unrecognized pipeline stage name: '" + name + "'");
    };
  }

  private static MongoServerException error(int location, String message) {
    return new MongoServerException(ErrorCode.location(location), message);
  }

  // ---- streaming helpers

  private static Stage map(Function<BsonDocument, BsonDocument> fn) {
    return input -> mapIterator(input, fn);
  }

  /** Applies fn to each document, dropping those it maps to null. */
  private static Iterator<BsonDocument> mapIterator(
      Iterator<BsonDocument> input, Function<BsonDocument, BsonDocument> fn) {
    return new Iterator<>() {
      private BsonDocument next;

      @Override
      public boolean hasNext() {
        while (next == null && input.hasNext()) {
          next = fn.apply(input.next());
        }
        return next != null;
      }

      @Override
      public BsonDocument next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        BsonDocument d = next;
        next = null;
        return d;
      }
    };
  }

  private static Iterator<BsonDocument> flatMapIterator(
      Iterator<BsonDocument> input, Function<BsonDocument, List<BsonDocument>> fn) {
    return new Iterator<>() {
      private Iterator<BsonDocument> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && input.hasNext()) {
          current = fn.apply(input.next()).iterator();
        }
        return current.hasNext();
      }

      @Override
      public BsonDocument next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  private static List<BsonDocument> drain(Iterator<BsonDocument> input) {
    List<BsonDocument> all = new ArrayList<>();
    input.forEachRemaining(all::add);
    return all;
  }

  // ---- simple stages

  private static Stage match(BsonValue spec) {
    if (!spec.isDocument()) {
      throw error(15959, "the match filter must be an expression in an object");
    }
    Filter filter = Filter.compile(spec.asDocument());
    return map(doc -> filter.matches(doc) ? doc : null);
  }

  private static Stage project(BsonValue spec) {
    if (!spec.isDocument()) {
      throw error(15969, "$project specification must be an object");
    }
    Projection p = Projection.compileForAggregation(spec.asDocument());
    return map(p::apply);
  }

  private static Stage unset(BsonValue spec) {
    List<String> paths = new ArrayList<>();
    if (spec.isString()) {
      paths.add(spec.asString().getValue());
    } else if (spec.isArray() && !spec.asArray().isEmpty()) {
      for (BsonValue v : spec.asArray()) {
        if (!v.isString()) {
          throw error(
              31120,
              "$unset specification must be a string or an array containing only string values");
        }
        paths.add(v.asString().getValue());
      }
    } else {
      throw error(
          31002, "$unset specification must be a string or an array with at least one field");
    }
    Projection p = Projection.exclusionOf(paths);
    return map(p::apply);
  }

  private static Stage sort(BsonValue spec) {
    if (!spec.isDocument()) {
      throw new MongoServerException(
          ErrorCode.LOCATION_15973, "the $sort key specification must be an object");
    }
    if (spec.asDocument().isEmpty()) {
      throw new MongoServerException(
          ErrorCode.LOCATION_15976, "$sort stage must have at least one sort key");
    }
    Comparator<BsonDocument> order = SortOrder.compile(spec.asDocument());
    return input -> {
      List<BsonDocument> all = drain(input);
      all.sort(order);
      return all.iterator();
    };
  }

  private static long nonNegativeInteger(String stage, BsonValue spec, int notNumberCode) {
    if (!BsonTypes.isNumber(spec)) {
      throw error(notNumberCode, "the " + stage + " must be specified as a number");
    }
    if (!Numbers.isIntegral(spec)) {
      throw error(notNumberCode, "the " + stage + " must be an integer");
    }
    return Numbers.truncateToLong(spec);
  }

  private static Stage limit(BsonValue spec) {
    long n = nonNegativeInteger("limit", spec, 15957);
    if (n <= 0) {
      throw error(15958, "the limit must be positive");
    }
    return input ->
        new Iterator<>() {
          private long remaining = n;

          @Override
          public boolean hasNext() {
            return remaining > 0 && input.hasNext();
          }

          @Override
          public BsonDocument next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            remaining--;
            return input.next();
          }
        };
  }

  private static Stage skip(BsonValue spec) {
    long n = nonNegativeInteger("skip", spec, 15972);
    if (n < 0) {
      throw error(15956, "the number to skip cannot be negative");
    }
    return input -> {
      for (long i = 0; i < n && input.hasNext(); i++) {
        input.next();
      }
      return input;
    };
  }

  private static Stage count(BsonValue spec) {
    if (!spec.isString() || spec.asString().getValue().isEmpty()) {
      throw error(40156, "the count field must be a non-empty string");
    }
    String field = spec.asString().getValue();
    if (field.startsWith("$")) {
      throw error(40158, "the count field cannot be a $-prefixed path");
    }
    if (field.contains(".")) {
      throw error(40160, "the count field cannot contain '.'");
    }
    return input -> {
      long n = 0;
      while (input.hasNext()) {
        input.next();
        n++;
      }
      if (n == 0) {
        return java.util.Collections.emptyIterator();
      }
      return List.of(new BsonDocument(field, Numbers.integral(n))).iterator();
    };
  }

  // ---- $unwind

  private static Stage unwind(BsonValue spec) {
    String path;
    String indexField = null;
    boolean preserve = false;
    if (spec.isString()) {
      path = spec.asString().getValue();
    } else if (spec.isDocument()) {
      BsonDocument d = spec.asDocument();
      for (Map.Entry<String, BsonValue> e : d.entrySet()) {
        switch (e.getKey()) {
          case "path" -> {}
          case "includeArrayIndex" -> {
            if (!e.getValue().isString()) {
              throw error(28810, "expected a non-empty string for the includeArrayIndex option");
            }
            indexField = e.getValue().asString().getValue();
            if (indexField.isEmpty()) {
              throw error(28810, "expected a non-empty string for the includeArrayIndex option");
            }
            if (indexField.startsWith("$")) {
              throw error(
                  28822,
                  "includeArrayIndex option to $unwind stage should not be prefixed with a '$'");
            }
          }
          case "preserveNullAndEmptyArrays" -> {
            if (!e.getValue().isBoolean()) {
              throw error(28809, "expected a boolean for the preserveNullAndEmptyArrays option");
            }
            preserve = e.getValue().asBoolean().getValue();
          }
          default -> throw error(28811, "unrecognized option to $unwind stage: " + e.getKey());
        }
      }
      BsonValue p = d.get("path");
      if (p == null) {
        throw error(28812, "no path specified to $unwind stage");
      }
      if (!p.isString()) {
        throw error(28808, "expected a string as the path for $unwind stage");
      }
      path = p.asString().getValue();
    } else {
      throw error(
          15981,
          "expected either a string or an object as specification for $unwind stage, got "
              + Operators.typeName(spec));
    }
    if (!path.startsWith("$")) {
      throw error(28818, "path option to $unwind stage should be prefixed with a '$': " + path);
    }
    String[] parts = Paths.split(path.substring(1));
    String index = indexField;
    boolean keep = preserve;
    return input -> flatMapIterator(input, doc -> unwindOne(doc, parts, index, keep));
  }

  private static List<BsonDocument> unwindOne(
      BsonDocument doc, String[] parts, String indexField, boolean preserve) {
    BsonValue v = documentPath(doc, parts);
    if (v != null && v.isArray() && !v.asArray().isEmpty()) {
      List<BsonDocument> out = new ArrayList<>();
      for (int i = 0; i < v.asArray().size(); i++) {
        BsonDocument copy = doc.clone();
        setPath(copy, parts, v.asArray().get(i));
        if (indexField != null) {
          copy.put(indexField, new BsonInt64(i));
        }
        out.add(copy);
      }
      return out;
    }
    boolean nullOrEmpty = v == null || v.isNull() || v.isArray();
    if (nullOrEmpty && !preserve) {
      return List.of();
    }
    if (indexField == null) {
      return List.of(doc);
    }
    BsonDocument copy = doc.clone();
    copy.put(indexField, nullOrEmpty ? BsonNull.VALUE : new BsonInt64(0));
    return List.of(copy);
  }

  /** The value at a path through sub-documents only, as $unwind reads it. */
  private static BsonValue documentPath(BsonDocument doc, String[] parts) {
    BsonValue cur = doc;
    for (String p : parts) {
      if (!(cur instanceof BsonDocument d)) {
        return null;
      }
      cur = d.get(p);
    }
    return cur;
  }

  private static void setPath(BsonDocument doc, String[] parts, BsonValue value) {
    BsonDocument cur = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      cur = cur.getDocument(parts[i]);
    }
    cur.put(parts[parts.length - 1], value);
  }

  // ---- $replaceRoot, $sortByCount

  private static Stage replaceRoot(BsonValue spec) {
    if (!spec.isDocument()) {
      throw error(40228, "expected an object as specification for $replaceRoot stage");
    }
    for (String key : spec.asDocument().keySet()) {
      if (!key.equals("newRoot")) {
        throw error(40415, "BSON field '$replaceRoot." + key + "' is an unknown field.");
      }
    }
    BsonValue newRoot = spec.asDocument().get("newRoot");
    if (newRoot == null) {
      throw error(40231, "no newRoot specified for the $replaceRoot stage");
    }
    return replaceWith(Expression.compile(newRoot));
  }

  private static Stage replaceWith(Expression expression) {
    return map(
        doc -> {
          BsonValue v = expression.evaluate(doc);
          if (v == null || !v.isDocument()) {
            throw error(
                40228,
                "'replacement document' must evaluate to an object, but resulting value was: "
                    + (v == null ? "MISSING" : UpdatePaths.render(v))
                    + ". Type of resulting value: '"
                    + Operators.typeName(v)
                    + "'. Input document: "
                    + doc.toJson());
          }
          return v.asDocument();
        });
  }

  private static Stage sortByCount(BsonValue spec) {
    boolean path = spec.isString() && spec.asString().getValue().startsWith("$");
    boolean operator = Filter.isOperatorObject(spec);
    if (!path && !operator) {
      throw error(
          40148, "the sortByCount field must be defined as a $-prefixed path or an expression");
    }
    Stage group =
        Group.compile(
            new BsonDocument("_id", spec)
                .append("count", new BsonDocument("$sum", new BsonInt32(1))));
    Stage sort = sort(new BsonDocument("count", new BsonInt32(-1)));
    return input -> sort.apply(group.apply(input));
  }

  /** The $group stage: groups by an _id expression and folds each group with accumulators. */
  static final class Group {
    private record Output(String name, String op, Expression argument) {}

    private Group() {}

    static Stage compile(BsonValue spec) {
      if (!spec.isDocument()) {
        throw error(15947, "a group's fields must be specified in an object");
      }
      BsonDocument d = spec.asDocument();
      if (!d.containsKey("_id")) {
        throw new MongoServerException(
            ErrorCode.LOCATION_15955, "a group specification must include an _id");
      }
      Expression id = Expression.compile(d.get("_id"));
      List<Output> outputs = new ArrayList<>();
      for (Map.Entry<String, BsonValue> e : d.entrySet()) {
        String name = e.getKey();
        if (name.equals("_id")) {
          continue;
        }
        if (name.contains(".")) {
          throw error(40235, "The field name '" + name + "' cannot contain '.'");
        }
        if (name.startsWith("$")) {
          throw error(40236, "The field name '" + name + "' cannot be an operator name");
        }
        BsonValue acc = e.getValue();
        if (!acc.isDocument() || acc.asDocument().size() != 1) {
          throw new MongoServerException(
              ErrorCode.LOCATION_40234, "The field '" + name + "' must be an accumulator object");
        }
        String op = acc.asDocument().getFirstKey();
        if (!Accumulator.isKnown(op)) {
          throw error(15952, "unknown group operator '" + op + "'");
        }
        BsonValue arg = acc.asDocument().get(op);
        if (op.equals("$count")) {
          if (!arg.isDocument() || !arg.asDocument().isEmpty()) {
            throw error(40237, "$count takes no arguments, i.e. $count:{}");
          }
          arg = new BsonInt32(1);
        }
        outputs.add(new Output(name, op, Expression.compile(arg)));
      }
      return input -> run(input, id, outputs);
    }

    private static Iterator<BsonDocument> run(
        Iterator<BsonDocument> input, Expression id, List<Output> outputs) {
      // Keys compare by MongoDB equality (1 and 1.0 group together); output in first-seen order.
      TreeMap<BsonValue, List<Accumulator>> groups = new TreeMap<>(BsonOrder.ORDER);
      List<Map.Entry<BsonValue, List<Accumulator>>> ordered = new ArrayList<>();
      while (input.hasNext()) {
        BsonDocument doc = input.next();
        BsonValue key = id.evaluate(doc);
        if (key == null) {
          key = BsonNull.VALUE;
        }
        List<Accumulator> accs = groups.get(key);
        if (accs == null) {
          accs = new ArrayList<>();
          for (Output o : outputs) {
            accs.add(Accumulator.create(o.op()));
          }
          groups.put(key, accs);
          ordered.add(Map.entry(key, accs));
        }
        for (int i = 0; i < outputs.size(); i++) {
          accs.get(i).add(outputs.get(i).argument().evaluate(doc));
        }
      }
      List<BsonDocument> out = new ArrayList<>(ordered.size());
      for (Map.Entry<BsonValue, List<Accumulator>> g : ordered) {
        BsonDocument result = new BsonDocument("_id", g.getKey());
        for (int i = 0; i < outputs.size(); i++) {
          result.put(outputs.get(i).name(), g.getValue().get(i).result());
        }
        out.add(result);
      }
      return out.iterator();
    }
  }
}
