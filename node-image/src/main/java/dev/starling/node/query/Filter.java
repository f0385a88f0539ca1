package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * A compiled query filter ({@code {a: {$gt: 3}}}) that decides whether a document matches, with
 * MongoDB's semantics for dotted paths, arrays, nulls and type bracketing.
 */
public final class Filter {
  private static final Filter MATCH_ALL = new Filter(doc -> true, new BsonDocument());

  private final DocMatcher matcher;
  private final BsonDocument spec;

  private Filter(DocMatcher matcher, BsonDocument spec) {
    this.matcher = matcher;
    this.spec = spec;
  }

  /** Compiles a filter document, throwing MongoDB's errors for malformed or unknown operators. */
  public static Filter compile(BsonDocument filter) {
    if (filter == null || filter.isEmpty()) {
      return MATCH_ALL;
    }
    return new Filter(compileDocument(filter), filter);
  }

  /** The filter that matches every document. */
  public static Filter matchAll() {
    return MATCH_ALL;
  }

  /** The filter document this was compiled from. */
  public BsonDocument spec() {
    return spec;
  }

  public boolean matches(BsonDocument doc) {
    return matcher.matches(doc);
  }

  /** Decides a document-level condition. */
  @FunctionalInterface
  interface DocMatcher {
    boolean matches(BsonDocument doc);
  }

  /**
   * A condition on the values one path reaches. Negations ($ne, $not, $nin) wrap the whole set of
   * values, which is why {a: {$ne: 1}} rejects [1, 2].
   */
  interface FieldPredicate {
    /** Decides for the values a path reached in a document ({@code null} meaning missing). */
    boolean matchesPath(List<BsonValue> values);

    /** Decides for one value, as $elemMatch's value form and $pull apply operators to elements. */
    boolean matchesValue(BsonValue value);
  }

  /** A test of one value (null meaning missing), optionally also applied to array elements. */
  record Leaf(java.util.function.Predicate<BsonValue> test, boolean expandArrays)
      implements FieldPredicate {
    @Override
    public boolean matchesPath(List<BsonValue> values) {
      for (BsonValue v : values) {
        if (test.test(v)) {
          return true;
        }
        if (expandArrays && v instanceof BsonArray a) {
          for (BsonValue e : a) {
            if (test.test(e)) {
              return true;
            }
          }
        }
      }
      return false;
    }

    @Override
    public boolean matchesValue(BsonValue value) {
      return test.test(value);
    }
  }

  record Not(FieldPredicate inner) implements FieldPredicate {
    @Override
    public boolean matchesPath(List<BsonValue> values) {
      return !inner.matchesPath(values);
    }

    @Override
    public boolean matchesValue(BsonValue value) {
      return !inner.matchesValue(value);
    }
  }

  record All(List<FieldPredicate> parts) implements FieldPredicate {
    @Override
    public boolean matchesPath(List<BsonValue> values) {
      for (FieldPredicate p : parts) {
        if (!p.matchesPath(values)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean matchesValue(BsonValue value) {
      for (FieldPredicate p : parts) {
        if (!p.matchesValue(value)) {
          return false;
        }
      }
      return true;
    }
  }

  // ---- compilation of documents and top-level operators

  static DocMatcher compileDocument(BsonDocument filter) {
    List<DocMatcher> parts = new ArrayList<>();
    for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
      String key = e.getKey();
      BsonValue value = e.getValue();
      if (key.startsWith("$")) {
        DocMatcher m = compileTopLevel(key, value);
        if (m != null) {
          parts.add(m);
        }
      } else {
        String[] path = Paths.split(key);
        FieldPredicate p = compileFieldCondition(value);
        parts.add(doc -> p.matchesPath(Paths.collect(doc, path)));
      }
    }
    return and(parts);
  }

  private static DocMatcher and(List<DocMatcher> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return doc -> {
      for (DocMatcher m : parts) {
        if (!m.matches(doc)) {
          return false;
        }
      }
      return true;
    };
  }

  private static DocMatcher compileTopLevel(String op, BsonValue value) {
    switch (op) {
      case "$and", "$or", "$nor" -> {
        List<DocMatcher> clauses = compileClauses(op, value);
        return switch (op) {
          case "$and" -> and(clauses);
          case "$or" -> doc -> clauses.stream().anyMatch(m -> m.matches(doc));
          default -> doc -> clauses.stream().noneMatch(m -> m.matches(doc));
        };
      }
      case "$comment" -> {
        return null;
      }
      case "$alwaysTrue" -> {
        return doc -> true;
      }
      case "$alwaysFalse" -> {
        return doc -> false;
      }
      case "$expr" -> {
        Expression expr = Expression.compile(value);
        return doc -> Expression.isTruthy(expr.evaluate(doc));
      }
      case "$where", "$text", "$jsonSchema", "$sampleRate" -> {
        throw new MongoServerException(ErrorCode.NOT_IMPLEMENTED, op + " is not supported");
      }
      default -> throw MongoServerException.badValue("unknown top level operator: " + op);
    }
  }

  private static List<DocMatcher> compileClauses(String op, BsonValue value) {
    if (!value.isArray()) {
      throw MongoServerException.badValue(op + " must be an array");
    }
    if (value.asArray().isEmpty()) {
      throw MongoServerException.badValue(
          "$and/$or/$nor must be a nonempty array"); // mongod's wording
    }
    List<DocMatcher> clauses = new ArrayList<>();
    for (BsonValue clause : value.asArray()) {
      if (!clause.isDocument()) {
        throw MongoServerException.badValue("$or/$and/$nor entries need to be full objects");
      }
      clauses.add(compileDocument(clause.asDocument()));
    }
    return clauses;
  }

  // ---- compilation of conditions on one field

  /** True when a document is an operator object ({$gt: 1}) rather than a literal document. */
  static boolean isOperatorObject(BsonValue value) {
    if (!value.isDocument() || value.asDocument().isEmpty()) {
      return false;
    }
    String first = value.asDocument().getFirstKey();
    return first.startsWith("$") && !first.equals("$ref") && !first.equals("$id");
  }

  /** Compiles the value of a field in a filter: an operator object, a regex, or an equality. */
  static FieldPredicate compileFieldCondition(BsonValue value) {
    if (isOperatorObject(value)) {
      return compileOperators(value.asDocument());
    }
    if (value.isRegularExpression()) {
      return regexPredicate(value.asRegularExpression());
    }
    return equality(value);
  }

  static FieldPredicate compileOperators(BsonDocument ops) {
    List<FieldPredicate> parts = new ArrayList<>();
    for (Map.Entry<String, BsonValue> e : ops.entrySet()) {
      String op = e.getKey();
      BsonValue arg = e.getValue();
      switch (op) {
        case "$eq" -> parts.add(equality(arg));
        case "$ne" -> parts.add(new Not(equality(arg)));
        case "$gt", "$gte", "$lt", "$lte" -> parts.add(comparison(op, arg));
        case "$in" -> parts.add(in(arg));
        case "$nin" -> parts.add(new Not(in(arg)));
        case "$exists" ->
            parts.add(Expression.isTruthy(arg) ? existsPredicate() : new Not(existsPredicate()));
        case "$type" -> parts.add(typePredicate(arg));
        case "$regex" -> parts.add(regexOperator(arg, ops.get("$options")));
        case "$options" -> {
          if (!ops.containsKey("$regex")) {
            throw MongoServerException.badValue("$options needs a $regex");
          }
        }
        case "$size" -> parts.add(sizePredicate(arg));
        case "$all" -> parts.add(allPredicate(arg));
        case "$elemMatch" -> parts.add(elemMatch(arg));
        case "$mod" -> parts.add(modPredicate(arg));
        case "$not" -> parts.add(notPredicate(arg));
        case "$comment" -> {}
        default -> throw MongoServerException.badValue("unknown operator: " + op);
      }
    }
    return parts.size() == 1 ? parts.get(0) : new All(parts);
  }

  private static FieldPredicate equality(BsonValue target) {
    return new Leaf(equalityTest(target), true);
  }

  private static java.util.function.Predicate<BsonValue> equalityTest(BsonValue target) {
    if (isNullish(target)) {
      return v -> v == null || isNullish(v);
    }
    int rank = BsonOrder.typeRank(target);
    return v -> v != null && BsonOrder.typeRank(v) == rank && BsonOrder.compare(v, target) == 0;
  }

  static boolean isNullish(BsonValue v) {
    return v == null || v.isNull() || v.getBsonType() == BsonType.UNDEFINED;
  }

  private static FieldPredicate comparison(String op, BsonValue target) {
    boolean nullTarget = isNullish(target);
    boolean anyType =
        target.getBsonType() == BsonType.MIN_KEY || target.getBsonType() == BsonType.MAX_KEY;
    int rank = BsonOrder.typeRank(target);
    java.util.function.IntPredicate accept =
        switch (op) {
          case "$gt" -> c -> c > 0;
          case "$gte" -> c -> c >= 0;
          case "$lt" -> c -> c < 0;
          default -> c -> c <= 0;
        };
    boolean inclusive = op.equals("$gte") || op.equals("$lte");
    return new Leaf(
        v -> {
          if (nullTarget) {
            return inclusive && isNullish(v);
          }
          if (v == null) {
            return false;
          }
          if (!anyType && BsonOrder.typeRank(v) != rank) {
            return false;
          }
          return accept.test(BsonOrder.compare(v, target));
        },
        true);
  }

  private static FieldPredicate in(BsonValue arg) {
    if (!arg.isArray()) {
      throw MongoServerException.badValue("$in needs an array");
    }
    List<java.util.function.Predicate<BsonValue>> tests = new ArrayList<>();
    for (BsonValue v : arg.asArray()) {
      if (v.isRegularExpression()) {
        Pattern p =
            compileRegex(
                v.asRegularExpression().getPattern(), v.asRegularExpression().getOptions());
        tests.add(x -> regexMatches(p, v.asRegularExpression(), x));
      } else if (isOperatorObject(v)) {
        throw MongoServerException.badValue("cannot nest $ under $in");
      } else {
        tests.add(equalityTest(v));
      }
    }
    return new Leaf(
        x -> {
          for (java.util.function.Predicate<BsonValue> t : tests) {
            if (t.test(x)) {
              return true;
            }
          }
          return false;
        },
        true);
  }

  private static FieldPredicate existsPredicate() {
    return new Leaf(v -> v != null, false);
  }

  private static FieldPredicate typePredicate(BsonValue arg) {
    Set<BsonType> types = BsonTypes.parseTypeArgument(arg);
    return new Leaf(v -> v != null && types.contains(v.getBsonType()), true);
  }

  private static FieldPredicate sizePredicate(BsonValue arg) {
    if (!arg.isNumber() && !arg.isDecimal128()) {
      throw MongoServerException.badValue("$size needs a number");
    }
    double d = Numbers.toDouble(arg);
    if (d != Math.rint(d)) {
      throw MongoServerException.badValue("$size must be a whole number");
    }
    if (d < 0) {
      throw MongoServerException.badValue("$size may not be negative");
    }
    long size = (long) d;
    return new Leaf(v -> v instanceof BsonArray a && a.size() == size, false);
  }

  private static FieldPredicate allPredicate(BsonValue arg) {
    if (!arg.isArray()) {
      throw MongoServerException.badValue("$all needs an array");
    }
    BsonArray values = arg.asArray();
    if (values.isEmpty()) {
      return new Leaf(v -> false, false);
    }
    List<FieldPredicate> parts = new ArrayList<>();
    for (BsonValue v : values) {
      if (v.isDocument() && v.asDocument().containsKey("$elemMatch")) {
        parts.add(elemMatch(v.asDocument().get("$elemMatch")));
      } else if (isOperatorObject(v)) {
        throw MongoServerException.badValue("no $ expressions in $all");
      } else if (v.isRegularExpression()) {
        parts.add(regexPredicate(v.asRegularExpression()));
      } else {
        parts.add(equality(v));
      }
    }
    return new All(parts);
  }

  private static FieldPredicate elemMatch(BsonValue arg) {
    if (!arg.isDocument()) {
      throw MongoServerException.badValue("$elemMatch needs an Object");
    }
    BsonDocument spec = arg.asDocument();
    String first = spec.isEmpty() ? "" : spec.getFirstKey();
    boolean valueForm =
        first.startsWith("$")
            && !Set.of("$and", "$or", "$nor", "$expr", "$where", "$text", "$comment")
                .contains(first);
    if (valueForm) {
      FieldPredicate inner = compileOperators(spec);
      return new Leaf(v -> v instanceof BsonArray a && anyElement(a, inner::matchesValue), false);
    }
    DocMatcher inner = compileDocument(spec);
    return new Leaf(
        v ->
            v instanceof BsonArray a
                && anyElement(a, e -> e instanceof BsonDocument d && inner.matches(d)),
        false);
  }

  private static boolean anyElement(
      BsonArray a, java.util.function.Predicate<BsonValue> predicate) {
    for (BsonValue e : a) {
      if (predicate.test(e)) {
        return true;
      }
    }
    return false;
  }

  private static FieldPredicate modPredicate(BsonValue arg) {
    if (!arg.isArray()) {
      throw MongoServerException.badValue("malformed mod, needs to be an array");
    }
    BsonArray a = arg.asArray();
    if (a.size() < 2) {
      throw MongoServerException.badValue("malformed mod, not enough elements");
    }
    if (a.size() > 2) {
      throw MongoServerException.badValue("malformed mod, too many elements");
    }
    if (!BsonTypes.isNumber(a.get(0))) {
      throw MongoServerException.badValue("malformed mod, divisor not a number");
    }
    if (!BsonTypes.isNumber(a.get(1))) {
      throw MongoServerException.badValue("malformed mod, remainder not a number");
    }
    long divisor = Numbers.truncateToLong(a.get(0));
    long remainder = Numbers.truncateToLong(a.get(1));
    if (divisor == 0) {
      throw MongoServerException.badValue("divisor cannot be 0");
    }
    return new Leaf(
        v -> {
          if (!BsonTypes.isNumber(v)) {
            return false;
          }
          double d = Numbers.toDouble(v);
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            return false;
          }
          return Numbers.truncateToLong(v) % divisor == remainder;
        },
        true);
  }

  private static FieldPredicate notPredicate(BsonValue arg) {
    if (arg.isRegularExpression()) {
      return new Not(regexPredicate(arg.asRegularExpression()));
    }
    if (!arg.isDocument()) {
      throw MongoServerException.badValue("$not needs a regex or a document");
    }
    if (arg.asDocument().isEmpty()) {
      throw MongoServerException.badValue("$not cannot be empty");
    }
    if (!isOperatorObject(arg)) {
      throw MongoServerException.badValue("unknown operator: " + arg.asDocument().getFirstKey());
    }
    return new Not(compileOperators(arg.asDocument()));
  }

  // ---- regular expressions

  private static FieldPredicate regexOperator(BsonValue arg, BsonValue optionsArg) {
    String options = "";
    if (optionsArg != null) {
      if (!optionsArg.isString()) {
        throw MongoServerException.badValue("$options has to be a string");
      }
      options = optionsArg.asString().getValue();
    }
    if (arg.isString()) {
      return regexPredicate(new BsonRegularExpression(arg.asString().getValue(), options));
    }
    if (arg.isRegularExpression()) {
      BsonRegularExpression re = arg.asRegularExpression();
      if (!options.isEmpty() && !re.getOptions().isEmpty()) {
        throw new MongoServerException(
            ErrorCode.BAD_VALUE, "options set in both $regex and $options");
      }
      return regexPredicate(new BsonRegularExpression(re.getPattern(), re.getOptions() + options));
    }
    throw MongoServerException.badValue("$regex has to be a string");
  }

  private static FieldPredicate regexPredicate(BsonRegularExpression re) {
    Pattern p = compileRegex(re.getPattern(), re.getOptions());
    return new Leaf(v -> regexMatches(p, re, v), true);
  }

  private static boolean regexMatches(Pattern p, BsonRegularExpression re, BsonValue v) {
    if (v == null) {
      return false;
    }
    if (v.isString() || v.isSymbol()) {
      return p.matcher(BsonOrder.stringOf(v)).find();
    }
    if (v.isRegularExpression()) {
      return v.asRegularExpression().getPattern().equals(re.getPattern())
          && v.asRegularExpression().getOptions().equals(re.getOptions());
    }
    return false;
  }

  /** Compiles a PCRE-style pattern with MongoDB's option letters to a Java pattern. */
  static Pattern compileRegex(String pattern, String options) {
    int flags = 0;
    for (char c : options.toCharArray()) {
      switch (c) {
        case 'i' -> flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        case 'm' -> flags |= Pattern.MULTILINE;
        case 's' -> flags |= Pattern.DOTALL;
        case 'x' -> flags |= Pattern.COMMENTS;
        case 'u' -> flags |= Pattern.UNICODE_CHARACTER_CLASS;
        default ->
            throw new MongoServerException(
                ErrorCode.location(51108), "invalid flag in regex options: " + c);
      }
    }
    try {
      return Pattern.compile(pattern, flags);
    } catch (PatternSyntaxException e) {
      throw new MongoServerException(
          ErrorCode.location(51091), "Regular expression is invalid: " + e.getDescription());
    }
  }
}
