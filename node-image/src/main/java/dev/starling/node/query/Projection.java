package dev.starling.node.query;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A compiled projection: inclusion ({@code {a: 1}}), exclusion ({@code {a: 0}}), computed fields
 * ({@code {x: "$a.b"}}), and, in find projections, {@code $slice} and {@code $elemMatch}. Used by
 * find and by the $project and $unset stages.
 */
public final class Projection {
  private final Node root;
  private final boolean inclusion;
  private final boolean excludeId;
  private final boolean identity;

  private Projection(Node root, boolean inclusion, boolean excludeId, boolean identity) {
    this.root = root;
    this.inclusion = inclusion;
    this.excludeId = excludeId;
    this.identity = identity;
  }

  /** What a projection does with one field. */
  private sealed interface Spec permits Include, Exclude, Computed, Slice, ElemMatch, Node {}

  private record Include() implements Spec {}

  private record Exclude() implements Spec {}

  private record Computed(Expression expression) implements Spec {}

  private record Slice(long skip, Long limit) implements Spec {}

  private record ElemMatch(Filter filter) implements Spec {}

  /** A sub-document of the projection: specs for its fields, in specification order. */
  private record Node(Map<String, Spec> fields) implements Spec {
    Node() {
      this(new LinkedHashMap<>());
    }
  }

  /** Compiles a find projection; an empty spec returns documents unchanged. */
  public static Projection compile(BsonDocument spec) {
    return compile(spec, true);
  }

  /** Compiles a $project stage, where $slice and $elemMatch are ordinary expressions. */
  static Projection compileForAggregation(BsonDocument spec) {
    if (spec.isEmpty()) {
      throw new MongoServerException(
          ErrorCode.location(51272),
          "Invalid $project :: caused by :: projection specification must have at least one"
              + " field");
    }
    return compile(spec, false);
  }

  /** An exclusion of the given paths, as the $unset stage uses. */
  static Projection exclusionOf(List<String> paths) {
    BsonDocument spec = new BsonDocument();
    for (String p : paths) {
      spec.put(p, new org.bson.BsonInt32(0));
    }
    return compile(spec, false);
  }

  private static Projection compile(BsonDocument spec, boolean find) {
    if (spec.isEmpty()) {
      return new Projection(new Node(), false, false, true);
    }
    Builder b = new Builder(find);
    b.addAll(b.root, spec, "");
    boolean inclusion = b.mode != Mode.EXCLUSION;
    if (b.mode == Mode.UNDECIDED && !b.sawIdInclusion) {
      inclusion = false; // only _id: 0, $slice entries: everything else stays
    }
    if (b.mode == Mode.UNDECIDED && b.sawIdInclusion) {
      inclusion = true;
    }
    return new Projection(b.root, inclusion, b.excludeId, false);
  }

  private enum Mode {
    UNDECIDED,
    INCLUSION,
    EXCLUSION
  }

  /** Parses the specification, deciding inclusion or exclusion and checking path collisions. */
  private static final class Builder {
    final boolean find;
    final Node root = new Node();
    Mode mode = Mode.UNDECIDED;
    boolean excludeId;
    boolean sawIdInclusion;

    Builder(boolean find) {
      this.find = find;
    }

    void addAll(Node node, BsonDocument spec, String prefix) {
      for (Map.Entry<String, BsonValue> e : spec.entrySet()) {
        String path = prefix + e.getKey();
        add(path, e.getValue());
      }
    }

    void add(String path, BsonValue value) {
      if (path.isEmpty() || path.startsWith("$") && !path.equals("$")) {
        throw MongoServerException.badValue(
            "FieldPath field names may not start with '$'. Consider using $getField or"
                + " $setField.");
      }
      if (path.endsWith(".$") || path.contains(".$.")) {
        throw MongoServerException.badValue("positional projection is not supported: " + path);
      }
      boolean isId = path.equals("_id");
      if (value.isDocument() && !Filter.isOperatorObject(value)) {
        if (value.asDocument().isEmpty()) {
          throw new MongoServerException(
              ErrorCode.location(51270),
              "An empty sub-projection is not a valid value. Found empty object at path");
        }
        for (Map.Entry<String, BsonValue> e : value.asDocument().entrySet()) {
          add(path + "." + e.getKey(), e.getValue());
        }
        return;
      }
      Spec spec;
      if (value.isBoolean() || BsonTypes.isNumber(value)) {
        boolean include = Expression.isTruthy(value);
        if (isId) {
          excludeId = !include;
          sawIdInclusion |= include;
          if (!include) {
            return;
          }
          spec = new Include();
          put(path, spec);
          return;
        }
        spec = include ? new Include() : new Exclude();
        decide(include ? Mode.INCLUSION : Mode.EXCLUSION, path);
      } else if (find && value.isDocument() && value.asDocument().containsKey("$slice")) {
        spec = parseSlice(value.asDocument().get("$slice"));
      } else if (find && value.isDocument() && value.asDocument().containsKey("$elemMatch")) {
        if (path.contains(".")) {
          throw MongoServerException.badValue(
              "Cannot use $elemMatch projection on a nested field.");
        }
        BsonValue arg = value.asDocument().get("$elemMatch");
        if (!arg.isDocument()) {
          throw MongoServerException.badValue("elemMatch: Invalid argument, object required.");
        }
        spec = new ElemMatch(Filter.compile(arg.asDocument()));
        decide(Mode.INCLUSION, path);
      } else if (value.isDocument() && value.asDocument().containsKey("$meta")) {
        throw MongoServerException.badValue("$meta projections are not supported");
      } else {
        spec = new Computed(Expression.compile(value));
        if (isId) {
          sawIdInclusion = true;
        } else {
          decide(Mode.INCLUSION, path);
        }
      }
      put(path, spec);
    }

    private void decide(Mode m, String path) {
      if (mode == Mode.UNDECIDED) {
        mode = m;
      } else if (mode != m) {
        if (m == Mode.EXCLUSION) {
          throw new MongoServerException(
              ErrorCode.LOCATION_31254,
              "Cannot do exclusion on field " + path + " in inclusion projection");
        }
        throw new MongoServerException(
            ErrorCode.LOCATION_31253,
            "Cannot do inclusion on field " + path + " in exclusion projection");
      }
    }

    private Spec parseSlice(BsonValue arg) {
      if (BsonTypes.isNumber(arg)) {
        long n = Numbers.truncateToLong(arg);
        return n >= 0 ? new Slice(0, n) : new Slice(n, null);
      }
      if (arg.isArray() && arg.asArray().size() == 2) {
        BsonValue skip = arg.asArray().get(0);
        BsonValue limit = arg.asArray().get(1);
        if (!BsonTypes.isNumber(skip) || !BsonTypes.isNumber(limit)) {
          throw MongoServerException.badValue(
              "$slice only supports numbers and [skip, limit] arrays");
        }
        long l = Numbers.truncateToLong(limit);
        if (l <= 0) {
          throw MongoServerException.badValue("$slice limit must be positive");
        }
        return new Slice(Numbers.truncateToLong(skip), l);
      }
      throw MongoServerException.badValue("$slice only supports numbers and [skip, limit] arrays");
    }

    private void put(String path, Spec spec) {
      String[] parts = Paths.split(path);
      Node node = root;
      for (int i = 0; i < parts.length - 1; i++) {
        Spec existing = node.fields().get(parts[i]);
        if (existing == null) {
          Node child = new Node();
          node.fields().put(parts[i], child);
          node = child;
        } else if (existing instanceof Node child) {
          node = child;
        } else {
          throw collision(path, parts, i);
        }
      }
      String last = parts[parts.length - 1];
      if (node.fields().containsKey(last)) {
        throw collision(path, parts, parts.length - 1);
      }
      node.fields().put(last, spec);
    }

    private static MongoServerException collision(String path, String[] parts, int at) {
      StringBuilder remaining = new StringBuilder();
      for (int i = at + 1; i < parts.length; i++) {
        remaining.append(remaining.isEmpty() ? "" : ".").append(parts[i]);
      }
      return new MongoServerException(
          ErrorCode.LOCATION_31250,
          "Path collision at "
              + path
              + (remaining.isEmpty() ? "" : " remaining portion " + remaining));
    }
  }

  /** Projects a document; the input is not modified. */
  public BsonDocument apply(BsonDocument doc) {
    if (identity) {
      return doc;
    }
    BsonDocument out;
    if (inclusion) {
      out = new BsonDocument();
      BsonValue id = doc.get("_id");
      if (!excludeId && id != null && !root.fields().containsKey("_id")) {
        out.put("_id", id);
      }
      include(doc, root, doc, out);
    } else {
      out = exclude(doc, root);
      if (excludeId) {
        out.remove("_id");
      }
    }
    return out;
  }

  private void include(BsonDocument in, Node node, BsonDocument root, BsonDocument out) {
    for (Map.Entry<String, BsonValue> e : in.entrySet()) {
      Spec spec = node.fields().get(e.getKey());
      if (spec == null || spec instanceof Computed) {
        continue;
      }
      BsonValue projected = includeValue(e.getValue(), spec, root);
      if (projected != null) {
        out.put(e.getKey(), projected);
      }
    }
    for (Map.Entry<String, Spec> e : node.fields().entrySet()) {
      if (e.getValue() instanceof Computed c) {
        BsonValue v = c.expression().evaluate(root);
        if (v != null) {
          out.put(e.getKey(), v);
        }
      } else if (e.getValue() instanceof Node child
          && hasComputed(child)
          && !out.containsKey(e.getKey())) {
        BsonDocument sub = new BsonDocument();
        include(new BsonDocument(), child, root, sub);
        out.put(e.getKey(), sub);
      }
    }
  }

  private static boolean hasComputed(Node node) {
    for (Spec s : node.fields().values()) {
      if (s instanceof Computed || s instanceof Node n && hasComputed(n)) {
        return true;
      }
    }
    return false;
  }

  /** The projection of one included value, or null to leave the field out. */
  private BsonValue includeValue(BsonValue value, Spec spec, BsonDocument root) {
    return switch (spec) {
      case Include i -> value;
      case Slice s -> slice(value, s);
      case ElemMatch m -> elemMatch(value, m);
      case Node child -> {
        if (value instanceof BsonDocument d) {
          BsonDocument sub = new BsonDocument();
          include(d, child, root, sub);
          yield sub;
        }
        if (value instanceof BsonArray a) {
          BsonArray arr = new BsonArray();
          for (BsonValue el : a) {
            BsonValue p = includeValue(el, child, root);
            if (p != null && (el.isDocument() || el.isArray())) {
              arr.add(p);
            }
          }
          yield arr;
        }
        yield hasComputed(child) ? includeValue(new BsonDocument(), child, root) : null;
      }
      default -> null;
    };
  }

  private BsonDocument exclude(BsonDocument in, Node node) {
    BsonDocument out = new BsonDocument();
    for (Map.Entry<String, BsonValue> e : in.entrySet()) {
      Spec spec = node.fields().get(e.getKey());
      if (spec == null) {
        out.put(e.getKey(), e.getValue());
        continue;
      }
      BsonValue v = excludeValue(e.getValue(), spec);
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private BsonValue excludeValue(BsonValue value, Spec spec) {
    return switch (spec) {
      case Exclude x -> null;
      case Slice s -> slice(value, s);
      case Node child -> {
        if (value instanceof BsonDocument d) {
          yield exclude(d, child);
        }
        if (value instanceof BsonArray a) {
          BsonArray arr = new BsonArray();
          for (BsonValue el : a) {
            BsonValue p = el.isDocument() || el.isArray() ? excludeValue(el, child) : el;
            if (p != null) {
              arr.add(p);
            }
          }
          yield arr;
        }
        yield value;
      }
      default -> value;
    };
  }

  private static BsonValue slice(BsonValue value, Slice s) {
    if (!(value instanceof BsonArray a)) {
      return value;
    }
    int n = a.size();
    long from = s.skip() < 0 ? Math.max(0, n + s.skip()) : Math.min(s.skip(), n);
    long to = s.limit() == null ? n : Math.min(n, from + s.limit());
    return new BsonArray(new java.util.ArrayList<>(a.getValues().subList((int) from, (int) to)));
  }

  private static BsonValue elemMatch(BsonValue value, ElemMatch m) {
    if (!(value instanceof BsonArray a)) {
      return null;
    }
    for (BsonValue e : a) {
      if (e instanceof BsonDocument d && m.filter().matches(d)) {
        return new BsonArray(List.of(e));
      }
    }
    return null;
  }
}
