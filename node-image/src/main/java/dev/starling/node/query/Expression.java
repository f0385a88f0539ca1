package dev.starling.node.query;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * A compiled aggregation expression ({@code "$a.b"}, {@code {$add: ["$x", 1]}}, literals) that
 * evaluates against a document. A result of Java {@code null} means "missing", which MongoDB keeps
 * distinct from BSON null: a computed field that evaluates to missing is left out.
 */
public final class Expression {
  private final Node root;

  private Expression(Node root) {
    this.root = root;
  }

  /** One compiled expression node. */
  @FunctionalInterface
  interface Node {
    BsonValue eval(Vars vars);
  }

  /** The variables in scope: $$ROOT, $$CURRENT and any bound by the pipeline. */
  record Vars(BsonDocument root, BsonValue current, Map<String, BsonValue> user) {
    static Vars of(BsonDocument doc) {
      return new Vars(doc, doc, Map.of());
    }

    Vars with(String name, BsonValue value) {
      Map<String, BsonValue> m = new LinkedHashMap<>(user);
      m.put(name, value);
      return new Vars(root, current, m);
    }
  }

  /** Compiles an expression; unknown operators fail with InvalidPipelineOperator. */
  public static Expression compile(BsonValue spec) {
    return new Expression(compileNode(spec, List.of()));
  }

  /** Evaluates against a document (as $$ROOT and $$CURRENT); null means missing. */
  public BsonValue evaluate(BsonDocument doc) {
    return root.eval(Vars.of(doc));
  }

  BsonValue evaluate(Vars vars) {
    return root.eval(vars);
  }

  /** MongoDB's truthiness: false, null, missing, undefined and numeric zero are false. */
  public static boolean isTruthy(BsonValue v) {
    if (v == null || v.isNull() || v.getBsonType() == BsonType.UNDEFINED) {
      return false;
    }
    if (v.isBoolean()) {
      return v.asBoolean().getValue();
    }
    if (BsonTypes.isNumber(v)) {
      return !Numbers.isZero(v);
    }
    return true;
  }

  static Node compileNode(BsonValue spec, List<String> boundVariables) {
    if (spec.isString()) {
      String s = spec.asString().getValue();
      if (s.startsWith("$")) {
        return compileFieldPath(s, boundVariables);
      }
      return vars -> spec;
    }
    if (spec.isDocument()) {
      BsonDocument doc = spec.asDocument();
      if (!doc.isEmpty() && doc.getFirstKey().startsWith("$")) {
        if (doc.size() != 1) {
          throw new MongoServerException(
              ErrorCode.location(15983),
              "an expression specification must contain exactly one field, the name of the"
                  + " expression. Found "
                  + doc.size()
                  + " fields in "
                  + doc.toJson());
        }
        return Operators.compile(doc.getFirstKey(), doc.get(doc.getFirstKey()), boundVariables);
      }
      return compileObject(doc, boundVariables);
    }
    if (spec.isArray()) {
      List<Node> items = new ArrayList<>();
      for (BsonValue v : spec.asArray()) {
        items.add(compileNode(v, boundVariables));
      }
      return vars -> {
        BsonArray out = new BsonArray(new ArrayList<>(items.size()));
        for (Node n : items) {
          BsonValue v = n.eval(vars);
          out.add(v == null ? org.bson.BsonNull.VALUE : v);
        }
        return out;
      };
    }
    return vars -> spec;
  }

  private static Node compileObject(BsonDocument doc, List<String> boundVariables) {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      if (e.getKey().contains(".")) {
        throw new MongoServerException(
            ErrorCode.location(16412),
            "FieldPath field names may not contain '.'. Consider using $getField or"
                + " $setField.");
      }
      fields.put(e.getKey(), compileNode(e.getValue(), boundVariables));
    }
    return vars -> {
      BsonDocument out = new BsonDocument();
      for (Map.Entry<String, Node> e : fields.entrySet()) {
        BsonValue v = e.getValue().eval(vars);
        if (v != null) {
          out.put(e.getKey(), v);
        }
      }
      return out;
    };
  }

  private static Node compileFieldPath(String s, List<String> boundVariables) {
    if (s.equals("$")) {
      throw new MongoServerException(
          ErrorCode.location(16872), "'$' by itself is not a valid FieldPath");
    }
    if (s.startsWith("$$")) {
      String body = s.substring(2);
      int dot = body.indexOf('.');
      String var = dot < 0 ? body : body.substring(0, dot);
      String[] rest = dot < 0 ? new String[0] : Paths.split(body.substring(dot + 1));
      switch (var) {
        case "ROOT" -> {
          return vars -> traverse(vars.root(), rest, 0);
        }
        case "CURRENT" -> {
          return vars -> traverse(vars.current(), rest, 0);
        }
        case "REMOVE" -> {
          return vars -> null;
        }
        default -> {
          if (!boundVariables.contains(var)) {
            throw new MongoServerException(
                ErrorCode.location(17276), "Use of undefined variable: " + var);
          }
          return vars -> {
            BsonValue v = vars.user().get(var);
            return v == null ? null : traverse(v, rest, 0);
          };
        }
      }
    }
    String[] parts = Paths.split(s.substring(1));
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new MongoServerException(
            ErrorCode.location(15998), "FieldPath field names may not be empty strings.");
      }
    }
    return vars -> traverse(vars.current(), parts, 0);
  }

  /**
   * Aggregation's field path semantics: through an array, the path is applied to each element and
   * the results collected into an array (missing results dropped, nested arrays kept).
   */
  static BsonValue traverse(BsonValue cur, String[] parts, int i) {
    if (cur == null || i == parts.length) {
      return cur;
    }
    if (cur instanceof BsonDocument d) {
      BsonValue v = d.get(parts[i]);
      return v == null ? null : traverse(v, parts, i + 1);
    }
    if (cur instanceof BsonArray a) {
      BsonArray out = new BsonArray();
      for (BsonValue e : a) {
        if (e.isDocument() || e.isArray()) {
          BsonValue r = traverse(e, parts, i);
          if (r != null) {
            out.add(r);
          }
        }
      }
      return out;
    }
    return null;
  }
}
