package dev.starling.node.storage;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;

/**
 * Computes the index keys of a document for a key pattern, as MongoDB does: a missing field indexes
 * as null, an array yields one key per element (multikey), and at most one field of a compound key
 * may be an array.
 */
public final class IndexKeys {
  private IndexKeys() {}

  /**
   * The keys of {@code doc}: one tuple of values per key, in key-pattern field order, duplicates
   * removed.
   */
  public static List<BsonValue[]> extract(BsonDocument doc, BsonDocument keyPattern) {
    List<String> fields = new ArrayList<>(keyPattern.keySet());
    List<List<BsonValue>> perField = new ArrayList<>(fields.size());
    int arrayField = -1;
    String arrayPath = null;
    for (int i = 0; i < fields.size(); i++) {
      List<BsonValue> values = new ArrayList<>();
      String array = collect(doc, fields.get(i).split("\\."), 0, values, true);
      if (values.isEmpty()) {
        values.add(BsonNull.VALUE);
      }
      if (array != null) {
        // Fields under the same array ({"items.sku": 1, "items.qty": 1}) are allowed; two arrays
        // are not.
        if (arrayPath != null && !arrayPath.equals(array)) {
          throw new MongoServerException(
              ErrorCode.CANNOT_INDEX_PARALLEL_ARRAYS,
              "cannot index parallel arrays ["
                  + fields.get(i)
                  + "] ["
                  + fields.get(arrayField)
                  + "]");
        }
        arrayPath = array;
        arrayField = i;
      }
      perField.add(dedupe(values));
    }
    List<BsonValue[]> keys = new ArrayList<>();
    keys.add(new BsonValue[fields.size()]);
    for (int i = 0; i < fields.size(); i++) {
      List<BsonValue[]> next = new ArrayList<>();
      for (BsonValue[] partial : keys) {
        for (BsonValue v : perField.get(i)) {
          BsonValue[] k = partial.clone();
          k[i] = v;
          next.add(k);
        }
      }
      keys = next;
    }
    return keys;
  }

  /**
   * The values at a dotted path with array elements expanded, as distinct counts them; missing:
   * none.
   */
  public static List<BsonValue> valuesAt(BsonDocument doc, String path) {
    List<BsonValue> values = new ArrayList<>();
    collect(doc, path.split("\\."), 0, values, false);
    values.removeIf(v -> v instanceof org.bson.BsonUndefined);
    return values;
  }

  /** Whether the document has an array anywhere along one of the key's paths. */
  public static boolean isMultikey(BsonDocument doc, BsonDocument keyPattern) {
    for (String field : keyPattern.keySet()) {
      if (collect(doc, field.split("\\."), 0, new ArrayList<>(), false) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds the values at {@code path[i..]} below {@code value}; returns the path of the first array
   * traversed (for example "items"), or null if none was. With {@code nullForMissing}, an array
   * element without the field adds a null, as an index holds it (so that {"a.b": null} finds it).
   */
  private static String collect(
      BsonValue value, String[] path, int i, List<BsonValue> out, boolean nullForMissing) {
    if (i == path.length) {
      if (value instanceof BsonArray array) {
        if (array.isEmpty()) {
          out.add(new org.bson.BsonUndefined());
        } else {
          out.addAll(array.getValues());
        }
        return String.join(".", java.util.Arrays.copyOf(path, i));
      }
      out.add(value);
      return null;
    }
    if (value instanceof BsonDocument d) {
      BsonValue child = d.get(path[i]);
      return child == null ? null : collect(child, path, i + 1, out, nullForMissing);
    }
    if (value instanceof BsonArray array) {
      if (isIndex(path[i])) {
        int idx = Integer.parseInt(path[i]);
        if (idx < array.size()) {
          collect(array.get(idx), path, i + 1, out, nullForMissing);
        }
      }
      for (BsonValue element : array) {
        if (element instanceof BsonDocument) {
          int before = out.size();
          collect(element, path, i, out, nullForMissing);
          if (nullForMissing && out.size() == before && !isIndex(path[i])) {
            out.add(BsonNull.VALUE);
          }
        }
      }
      return String.join(".", java.util.Arrays.copyOf(path, i));
    }
    return null;
  }

  private static boolean isIndex(String component) {
    if (component.isEmpty() || component.length() > 9) {
      return false;
    }
    for (int i = 0; i < component.length(); i++) {
      if (!Character.isDigit(component.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static List<BsonValue> dedupe(List<BsonValue> values) {
    if (values.size() < 2) {
      return values;
    }
    List<BsonValue> out = new ArrayList<>();
    List<byte[]> seen = new ArrayList<>();
    for (BsonValue v : values) {
      byte[] enc = KeyEncoding.encode(v);
      boolean dup = false;
      for (byte[] s : seen) {
        if (java.util.Arrays.equals(s, enc)) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        seen.add(enc);
        out.add(v);
      }
    }
    return out;
  }
}
