package dev.starling.node.query;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** Dotted field paths and how queries and sorts find the values a path names in a document. */
final class Paths {
  private Paths() {}

  static String[] split(String path) {
    return path.split("\\.", -1);
  }

  /** The array index a path component names, or -1 when it is not a plain non-negative number. */
  static int arrayIndex(String component) {
    int n = component.length();
    if (n == 0 || n > 9) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      char c = component.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    if (n > 1 && component.charAt(0) == '0') {
      return -1;
    }
    return Integer.parseInt(component);
  }

  /**
   * The values a query path reaches, in MongoDB's matching semantics: a non-numeric component
   * applied to an array descends into each element that is a document; a numeric component also
   * indexes the array. A path that stops at a missing field or at a scalar (outside an array)
   * yields {@code null}, which stands for "missing". Leaf arrays are returned whole; the caller
   * decides whether to look at their elements.
   */
  static List<BsonValue> collect(BsonDocument doc, String[] parts) {
    List<BsonValue> out = new ArrayList<>(2);
    collect(doc, parts, 0, out);
    return out;
  }

  private static void collect(BsonValue cur, String[] parts, int i, List<BsonValue> out) {
    if (i == parts.length) {
      out.add(cur);
      return;
    }
    if (cur instanceof BsonDocument d) {
      BsonValue v = d.get(parts[i]);
      if (v == null) {
        out.add(null);
      } else {
        collect(v, parts, i + 1, out);
      }
    } else if (cur instanceof BsonArray a) {
      int index = arrayIndex(parts[i]);
      if (index >= 0 && index < a.size()) {
        collect(a.get(index), parts, i + 1, out);
      }
      for (BsonValue e : a) {
        if (e instanceof BsonDocument) {
          // A numeric component names an element, not a field, unless an element has it as a field.
          if (index < 0 || ((BsonDocument) e).containsKey(parts[i])) {
            collect(e, parts, i, out);
          }
        }
      }
    } else {
      out.add(null);
    }
  }
}
