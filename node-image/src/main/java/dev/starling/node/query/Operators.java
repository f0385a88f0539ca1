package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.query.Expression.Node;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;

/** The aggregation expression operators ($add, $cond, $concat, ...) and their MongoDB errors. */
final class Operators {
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Operators() {}

  static Node compile(String op, BsonValue arg, List<String> bound) {
    if (op.equals("$literal")) {
      return vars -> arg;
    }
    if (op.equals("$cond") && arg.isDocument()) {
      return condObject(arg.asDocument(), bound);
    }
    if (op.equals("$let")) {
      return let(arg, bound);
    }
    if (op.equals("$map") || op.equals("$filter")) {
      return mapOrFilter(op, arg, bound);
    }
    List<Node> args = new ArrayList<>();
    if (arg.isArray()) {
      for (BsonValue v : arg.asArray()) {
        args.add(Expression.compileNode(v, bound));
      }
    } else {
      args.add(Expression.compileNode(arg, bound));
    }
    return switch (op) {
      case "$add" -> vars -> add(evalAll(args, vars));
      case "$subtract" -> binary(op, args, Operators::subtract);
      case "$multiply" -> vars -> multiply(evalAll(args, vars));
      case "$divide" -> binary(op, args, Operators::divide);
      case "$mod" -> binary(op, args, Operators::mod);
      case "$abs" -> unary(op, args, Operators::abs);
      case "$eq" -> compare(op, args, c -> c == 0);
      case "$ne" -> compare(op, args, c -> c != 0);
      case "$gt" -> compare(op, args, c -> c > 0);
      case "$gte" -> compare(op, args, c -> c >= 0);
      case "$lt" -> compare(op, args, c -> c < 0);
      case "$lte" -> compare(op, args, c -> c <= 0);
      case "$cmp" -> binary(op, args, (a, b) -> new BsonInt32(Integer.signum(compareValues(a, b))));
      case "$and" ->
          vars -> {
            for (Node n : args) {
              if (!Expression.isTruthy(n.eval(vars))) {
                return BsonBoolean.FALSE;
              }
            }
            return BsonBoolean.TRUE;
          };
      case "$or" ->
          vars -> {
            for (Node n : args) {
              if (Expression.isTruthy(n.eval(vars))) {
                return BsonBoolean.TRUE;
              }
            }
            return BsonBoolean.FALSE;
          };
      case "$not" -> unary(op, args, v -> BsonBoolean.valueOf(!Expression.isTruthy(v)));
      case "$cond" -> condArray(args);
      case "$ifNull" -> ifNull(args);
      case "$concat" -> vars -> concat(evalAll(args, vars));
      case "$toUpper" -> unary(op, args, v -> caseConvert(op, v, true));
      case "$toLower" -> unary(op, args, v -> caseConvert(op, v, false));
      case "$substr", "$substrBytes" -> ternary(op, args, Operators::substrBytes);
      case "$substrCP" -> ternary(op, args, Operators::substrCodePoints);
      case "$strLenCP" -> unary(op, args, Operators::strLenCodePoints);
      case "$size" -> unary(op, args, Operators::size);
      case "$arrayElemAt" -> binary(op, args, Operators::arrayElemAt);
      case "$in" -> binary(op, args, Operators::in);
      case "$isArray" -> unary(op, args, v -> BsonBoolean.valueOf(v != null && v.isArray()));
      case "$type" ->
          unary(
              op,
              args,
              v -> new BsonString(v == null ? "missing" : BsonTypes.name(v.getBsonType())));
      case "$toString" -> unary(op, args, Operators::toStringValue);
      case "$concatArrays" -> vars -> concatArrays(evalAll(args, vars));
      case "$sum", "$avg", "$min", "$max" -> arrayAccumulator(op, args);
      default ->
          throw new MongoServerException(
              ErrorCode.INVALID_PIPELINE_OPERATOR, "Unrecognized expression '" + op + "'");
    };
  }

  // ---- arity helpers

  private interface Fn1 {
    BsonValue apply(BsonValue a);
  }

  private interface Fn2 {
    BsonValue apply(BsonValue a, BsonValue b);
  }

  private interface Fn3 {
    BsonValue apply(BsonValue a, BsonValue b, BsonValue c);
  }

  private static void checkArity(String op, List<Node> args, int n) {
    if (args.size() != n) {
      throw new MongoServerException(
          ErrorCode.LOCATION_16020,
          "Expression "
              + op
              + " takes exactly "
              + n
              + " arguments. "
              + args.size()
              + " were passed in.");
    }
  }

  private static Node unary(String op, List<Node> args, Fn1 fn) {
    checkArity(op, args, 1);
    Node a = args.get(0);
    return vars -> fn.apply(a.eval(vars));
  }

  private static Node binary(String op, List<Node> args, Fn2 fn) {
    checkArity(op, args, 2);
    Node a = args.get(0);
    Node b = args.get(1);
    return vars -> fn.apply(a.eval(vars), b.eval(vars));
  }

  private static Node ternary(String op, List<Node> args, Fn3 fn) {
    checkArity(op, args, 3);
    Node a = args.get(0);
    Node b = args.get(1);
    Node c = args.get(2);
    return vars -> fn.apply(a.eval(vars), b.eval(vars), c.eval(vars));
  }

  private static List<BsonValue> evalAll(List<Node> args, Expression.Vars vars) {
    List<BsonValue> out = new ArrayList<>(args.size());
    for (Node n : args) {
      out.add(n.eval(vars));
    }
    return out;
  }

  private static MongoServerException error(int location, String message) {
    return new MongoServerException(ErrorCode.location(location), message);
  }

  static String typeName(BsonValue v) {
    return v == null ? "missing" : BsonTypes.name(v.getBsonType());
  }

  // ---- arithmetic

  private static BsonValue add(List<BsonValue> values) {
    BsonValue sum = new BsonInt32(0);
    BsonDateTime date = null;
    for (BsonValue v : values) {
      if (Filter.isNullish(v)) {
        return BsonNull.VALUE;
      }
      if (v.isDateTime()) {
        if (date != null) {
          throw error(16612, "only one date allowed in an $add expression");
        }
        date = v.asDateTime();
      } else if (BsonTypes.isNumber(v)) {
        sum = Numbers.add(sum, v, true);
      } else {
        throw error(16554, "$add only supports numeric or date types, not " + typeName(v));
      }
    }
    if (date != null) {
      return new BsonDateTime(date.getValue() + Math.round(Numbers.toDouble(sum)));
    }
    return sum;
  }

  private static BsonValue subtract(BsonValue a, BsonValue b) {
    if (Filter.isNullish(a) || Filter.isNullish(b)) {
      return BsonNull.VALUE;
    }
    if (BsonTypes.isNumber(a) && BsonTypes.isNumber(b)) {
      return Numbers.subtract(a, b);
    }
    if (a.isDateTime() && b.isDateTime()) {
      return new BsonInt64(a.asDateTime().getValue() - b.asDateTime().getValue());
    }
    if (a.isDateTime() && BsonTypes.isNumber(b)) {
      return new BsonDateTime(a.asDateTime().getValue() - Math.round(Numbers.toDouble(b)));
    }
    throw error(16556, "cant $subtract a " + typeName(b) + " from a " + typeName(a));
  }

  private static BsonValue multiply(List<BsonValue> values) {
    BsonValue product = new BsonInt32(1);
    for (BsonValue v : values) {
      if (Filter.isNullish(v)) {
        return BsonNull.VALUE;
      }
      if (!BsonTypes.isNumber(v)) {
        throw error(16555, "$multiply only supports numeric types, not " + typeName(v));
      }
      product = Numbers.multiply(product, v, true);
    }
    return product;
  }

  private static BsonValue divide(BsonValue a, BsonValue b) {
    if (Filter.isNullish(a) || Filter.isNullish(b)) {
      return BsonNull.VALUE;
    }
    if (!BsonTypes.isNumber(a) || !BsonTypes.isNumber(b)) {
      throw error(
          16609, "$divide only supports numeric types, not " + typeName(a) + " and " + typeName(b));
    }
    if (Numbers.isZero(b)) {
      throw MongoServerException.badValue("can't $divide by zero");
    }
    if (a.isDecimal128() || b.isDecimal128()) {
      return Numbers.decimal(
          Numbers.toBigDecimal(a)
              .divide(Numbers.toBigDecimal(b), java.math.MathContext.DECIMAL128));
    }
    return new BsonDouble(Numbers.toDouble(a) / Numbers.toDouble(b));
  }

  private static BsonValue mod(BsonValue a, BsonValue b) {
    if (Filter.isNullish(a) || Filter.isNullish(b)) {
      return BsonNull.VALUE;
    }
    if (!BsonTypes.isNumber(a) || !BsonTypes.isNumber(b)) {
      throw error(
          16611, "$mod only supports numeric types, not " + typeName(a) + " and " + typeName(b));
    }
    if (Numbers.isZero(b)) {
      throw error(16610, "can't $mod by zero");
    }
    return Numbers.mod(a, b);
  }

  private static BsonValue abs(BsonValue v) {
    if (Filter.isNullish(v)) {
      return BsonNull.VALUE;
    }
    if (!BsonTypes.isNumber(v)) {
      throw error(28765, "$abs only supports numeric types, not " + typeName(v));
    }
    return switch (v.getBsonType()) {
      case INT32 -> Numbers.integral(Math.abs((long) v.asInt32().getValue()));
      case INT64 -> {
        if (v.asInt64().getValue() == Long.MIN_VALUE) {
          throw error(28680, "can't take $abs of long long min");
        }
        yield new BsonInt64(Math.abs(v.asInt64().getValue()));
      }
      case DOUBLE -> new BsonDouble(Math.abs(v.asDouble().getValue()));
      default -> Numbers.decimal(Numbers.toBigDecimal(v).abs());
    };
  }

  // ---- comparison

  /** Aggregation's comparison: BsonOrder, with missing sorting below null. */
  static int compareValues(BsonValue a, BsonValue b) {
    if (a == null || b == null) {
      if (a == b) {
        return 0;
      }
      BsonValue present = a == null ? b : a;
      int sign = present.getBsonType() == BsonType.MIN_KEY ? 1 : -1;
      return a == null ? sign : -sign;
    }
    return BsonOrder.compare(a, b);
  }

  private static Node compare(String op, List<Node> args, java.util.function.IntPredicate test) {
    return binary(op, args, (a, b) -> BsonBoolean.valueOf(test.test(compareValues(a, b))));
  }

  // ---- conditionals

  private static Node condArray(List<Node> args) {
    checkArity("$cond", args, 3);
    return cond(args.get(0), args.get(1), args.get(2));
  }

  private static Node condObject(BsonDocument spec, List<String> bound) {
    for (String key : spec.keySet()) {
      if (!key.equals("if") && !key.equals("then") && !key.equals("else")) {
        throw error(17083, "Unrecognized parameter to $cond: " + key);
      }
    }
    if (!spec.containsKey("if")) {
      throw error(17080, "Missing 'if' parameter to $cond");
    }
    if (!spec.containsKey("then")) {
      throw error(17081, "Missing 'then' parameter to $cond");
    }
    if (!spec.containsKey("else")) {
      throw error(17082, "Missing 'else' parameter to $cond");
    }
    return cond(
        Expression.compileNode(spec.get("if"), bound),
        Expression.compileNode(spec.get("then"), bound),
        Expression.compileNode(spec.get("else"), bound));
  }

  private static Node cond(Node condition, Node then, Node otherwise) {
    return vars ->
        Expression.isTruthy(condition.eval(vars)) ? then.eval(vars) : otherwise.eval(vars);
  }

  private static Node ifNull(List<Node> args) {
    if (args.size() < 2) {
      throw error(1257300, "$ifNull needs at least two arguments, had: " + args.size());
    }
    return vars -> {
      for (int i = 0; i < args.size() - 1; i++) {
        BsonValue v = args.get(i).eval(vars);
        if (!Filter.isNullish(v)) {
          return v;
        }
      }
      return args.get(args.size() - 1).eval(vars);
    };
  }

  private static Node let(BsonValue arg, List<String> bound) {
    if (!arg.isDocument()
        || !arg.asDocument().containsKey("vars")
        || !arg.asDocument().containsKey("in")
        || !arg.asDocument().get("vars").isDocument()) {
      throw error(16876, "$let requires 'vars' and 'in' arguments");
    }
    List<String> inner = new ArrayList<>(bound);
    List<Map.Entry<String, Node>> definitions = new ArrayList<>();
    for (Map.Entry<String, BsonValue> e : arg.asDocument().getDocument("vars").entrySet()) {
      definitions.add(Map.entry(e.getKey(), Expression.compileNode(e.getValue(), bound)));
      inner.add(e.getKey());
    }
    Node in = Expression.compileNode(arg.asDocument().get("in"), inner);
    return vars -> {
      Expression.Vars scope = vars;
      for (Map.Entry<String, Node> d : definitions) {
        scope = scope.with(d.getKey(), d.getValue().eval(vars));
      }
      return in.eval(scope);
    };
  }

  private static Node mapOrFilter(String op, BsonValue arg, List<String> bound) {
    String body = op.equals("$map") ? "in" : "cond";
    if (!arg.isDocument()
        || !arg.asDocument().containsKey("input")
        || !arg.asDocument().containsKey(body)) {
      throw error(op.equals("$map") ? 16882 : 28648, op + " requires 'input' and '" + body + "'");
    }
    BsonDocument spec = arg.asDocument();
    String name = spec.getString("as", new BsonString("this")).getValue();
    Node input = Expression.compileNode(spec.get("input"), bound);
    List<String> inner = new ArrayList<>(bound);
    inner.add(name);
    Node fn = Expression.compileNode(spec.get(body), inner);
    boolean map = op.equals("$map");
    return vars -> {
      BsonValue in = input.eval(vars);
      if (Filter.isNullish(in)) {
        return BsonNull.VALUE;
      }
      if (!in.isArray()) {
        throw error(
            map ? 16883 : 28651, "input to " + op + " must be an array not " + typeName(in));
      }
      BsonArray out = new BsonArray();
      for (BsonValue e : in.asArray()) {
        BsonValue r = fn.eval(vars.with(name, e));
        if (map) {
          out.add(r == null ? BsonNull.VALUE : r);
        } else if (Expression.isTruthy(r)) {
          out.add(e);
        }
      }
      return out;
    };
  }

  // ---- strings

  private static BsonValue concat(List<BsonValue> values) {
    StringBuilder sb = new StringBuilder();
    for (BsonValue v : values) {
      if (Filter.isNullish(v)) {
        return BsonNull.VALUE;
      }
      if (!v.isString() && !v.isSymbol()) {
        throw error(16702, "$concat only supports strings, not " + typeName(v));
      }
      sb.append(BsonOrder.stringOf(v));
    }
    return new BsonString(sb.toString());
  }

  /** Converts a value to a string as $toUpper and $substr do: null is "", numbers print. */
  private static String coerceToString(String op, BsonValue v) {
    if (Filter.isNullish(v)) {
      return "";
    }
    if (v.isString() || v.isSymbol()) {
      return BsonOrder.stringOf(v);
    }
    if (BsonTypes.isNumber(v) || v.isDateTime() || v.isTimestamp()) {
      return toStringValue(v).asString().getValue();
    }
    throw error(16007, "can't convert from BSON type " + typeName(v) + " to String");
  }

  private static BsonValue caseConvert(String op, BsonValue v, boolean upper) {
    String s = coerceToString(op, v);
    return new BsonString(upper ? s.toUpperCase(Locale.ROOT) : s.toLowerCase(Locale.ROOT));
  }

  private static BsonValue substrBytes(BsonValue s, BsonValue start, BsonValue length) {
    String str = coerceToString("$substrBytes", s);
    if (!BsonTypes.isNumber(start)) {
      throw error(16034, "$substrBytes: starting index must be a numeric type");
    }
    if (!BsonTypes.isNumber(length)) {
      throw error(16035, "$substrBytes: length must be a numeric type");
    }
    byte[] bytes = str.getBytes(StandardCharsets.UTF_8);
    long from = Numbers.truncateToLong(start);
    long len = Numbers.truncateToLong(length);
    if (from < 0) {
      // mongod treats a negative start as past the end: the result is empty.
      return new BsonString("");
    }
    if (from >= bytes.length) {
      return new BsonString("");
    }
    if (isContinuationByte(bytes, (int) from)) {
      throw error(
          28656, "$substrBytes:  Invalid range, starting index is a UTF-8 continuation byte.");
    }
    int end = len < 0 || from + len > bytes.length ? bytes.length : (int) (from + len);
    if (isContinuationByte(bytes, end)) {
      throw error(
          28657,
          "$substrBytes:  Invalid range, ending index is in the middle of a UTF-8 character.");
    }
    return new BsonString(new String(bytes, (int) from, end - (int) from, StandardCharsets.UTF_8));
  }

  private static boolean isContinuationByte(byte[] bytes, int i) {
    return i < bytes.length && (bytes[i] & 0xC0) == 0x80;
  }

  private static BsonValue substrCodePoints(BsonValue s, BsonValue start, BsonValue length) {
    String str = coerceToString("$substrCP", s);
    if (!BsonTypes.isNumber(start)) {
      throw error(
          34450,
          "$substrCP: starting index must be a numeric type (is BSON type "
              + typeName(start)
              + ")");
    }
    if (!BsonTypes.isNumber(length)) {
      throw error(
          34452,
          "$substrCP: length must be a numeric type (is BSON type " + typeName(length) + ")");
    }
    if (!Numbers.isIntegral(start)) {
      throw error(
          34451, "$substrCP: starting index cannot be represented as a 32-bit integral value");
    }
    if (!Numbers.isIntegral(length)) {
      throw error(34453, "$substrCP: length cannot be represented as a 32-bit integral value");
    }
    long from = Numbers.truncateToLong(start);
    long len = Numbers.truncateToLong(length);
    if (from < 0) {
      throw error(34455, "$substrCP: the starting index must be nonnegative integer.");
    }
    if (len < 0) {
      throw error(34454, "$substrCP: length must be a nonnegative integer.");
    }
    int cps = str.codePointCount(0, str.length());
    if (from >= cps) {
      return new BsonString("");
    }
    int begin = str.offsetByCodePoints(0, (int) from);
    int end = str.offsetByCodePoints(begin, (int) Math.min(len, cps - from));
    return new BsonString(str.substring(begin, end));
  }

  private static BsonValue strLenCodePoints(BsonValue v) {
    if (v == null || (!v.isString() && !v.isSymbol())) {
      throw error(34471, "$strLenCP requires a string argument, found: " + typeName(v));
    }
    String s = BsonOrder.stringOf(v);
    return new BsonInt32(s.codePointCount(0, s.length()));
  }

  // ---- arrays

  private static BsonValue size(BsonValue v) {
    if (v == null || !v.isArray()) {
      throw error(
          17124, "The argument to $size must be an array. Type of argument was: " + typeName(v));
    }
    return new BsonInt32(v.asArray().size());
  }

  private static BsonValue arrayElemAt(BsonValue array, BsonValue index) {
    if (Filter.isNullish(array) || Filter.isNullish(index)) {
      return BsonNull.VALUE;
    }
    if (!array.isArray()) {
      throw error(
          28689, "$arrayElemAt's first argument must be an array, but is " + typeName(array));
    }
    if (!BsonTypes.isNumber(index)) {
      throw error(
          28690,
          "$arrayElemAt's second argument must be a numeric value, but is " + typeName(index));
    }
    if (!Numbers.isIntegral(index)) {
      throw error(
          28691, "$arrayElemAt's second argument must be representable as a 32-bit integer");
    }
    long i = Numbers.truncateToLong(index);
    int n = array.asArray().size();
    if (i < 0) {
      i += n;
    }
    return i < 0 || i >= n ? null : array.asArray().get((int) i);
  }

  private static BsonValue in(BsonValue needle, BsonValue haystack) {
    if (haystack == null || !haystack.isArray()) {
      throw error(
          40081, "$in requires an array as a second argument, found: " + typeName(haystack));
    }
    for (BsonValue v : haystack.asArray()) {
      if (compareValues(needle, v) == 0) {
        return BsonBoolean.TRUE;
      }
    }
    return BsonBoolean.FALSE;
  }

  private static BsonValue concatArrays(List<BsonValue> values) {
    BsonArray out = new BsonArray();
    for (BsonValue v : values) {
      if (Filter.isNullish(v)) {
        return BsonNull.VALUE;
      }
      if (!v.isArray()) {
        throw error(28664, "$concatArrays only supports arrays, not " + typeName(v));
      }
      out.addAll(v.asArray());
    }
    return out;
  }

  /** $sum/$avg/$min/$max as expressions: one array argument is reduced, else the arguments. */
  private static Node arrayAccumulator(String op, List<Node> args) {
    return vars -> {
      List<BsonValue> values = evalAll(args, vars);
      if (values.size() == 1 && values.get(0) != null && values.get(0).isArray()) {
        values = values.get(0).asArray().getValues();
      }
      Accumulator acc = Accumulator.create(op);
      for (BsonValue v : values) {
        acc.add(v);
      }
      return acc.result();
    };
  }

  // ---- conversion

  static BsonValue toStringValue(BsonValue v) {
    if (Filter.isNullish(v)) {
      return BsonNull.VALUE;
    }
    return switch (v.getBsonType()) {
      case STRING -> v;
      case SYMBOL -> new BsonString(v.asSymbol().getSymbol());
      case INT32 -> new BsonString(Integer.toString(v.asInt32().getValue()));
      case INT64 -> new BsonString(Long.toString(v.asInt64().getValue()));
      case DOUBLE -> new BsonString(formatDouble(v.asDouble().getValue()));
      case DECIMAL128 -> new BsonString(v.asDecimal128().getValue().toString());
      case BOOLEAN -> new BsonString(Boolean.toString(v.asBoolean().getValue()));
      case OBJECT_ID -> new BsonString(v.asObjectId().getValue().toHexString());
      case DATE_TIME ->
          new BsonString(ISO_MILLIS.format(Instant.ofEpochMilli(v.asDateTime().getValue())));
      default ->
          throw new MongoServerException(
              ErrorCode.CONVERSION_FAILURE,
              "Unsupported conversion from "
                  + typeName(v)
                  + " to string in $convert with no onError value");
    };
  }

  /** Formats a double the way mongod prints it: integral values without ".0", 1e+20 style. */
  static String formatDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return (d == 0 && 1 / d < 0 ? "-" : "") + Long.toString((long) d);
    }
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    String mantissa = s.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    String exp = s.substring(e + 1);
    return mantissa + "e" + (exp.startsWith("-") ? exp : "+" + exp);
  }
}
