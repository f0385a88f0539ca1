package dev.starling.node.query;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The $addFields / $set stage: computed fields merged into the document. Nested specification
 * documents merge into existing sub-documents; a path through an array sets the field in each
 * element; a field computed as missing ($$REMOVE) is removed.
 */
final class AddFields {
  private record Field(String[] path, Expression expression) {}

  private final List<Field> fields;

  private AddFields(List<Field> fields) {
    this.fields = fields;
  }

  static AddFields compile(String stage, BsonValue spec) {
    if (!spec.isDocument()) {
      throw new MongoServerException(
          ErrorCode.location(40272),
          stage + " specification stage must be an object, got " + Operators.typeName(spec));
    }
    List<Field> fields = new ArrayList<>();
    flatten(spec.asDocument(), "", fields);
    if (fields.isEmpty()) {
      throw new MongoServerException(
          ErrorCode.location(40177),
          "Invalid " + stage + " :: caused by :: specification must have at least one field");
    }
    return new AddFields(fields);
  }

  private static void flatten(BsonDocument spec, String prefix, List<Field> out) {
    for (Map.Entry<String, BsonValue> e : spec.entrySet()) {
      String path = prefix + e.getKey();
      if (e.getKey().startsWith("$")) {
        throw new MongoServerException(
            ErrorCode.location(16410),
            "FieldPath field names may not start with '$'. Consider using $getField or"
                + " $setField.");
      }
      BsonValue v = e.getValue();
      if (v.isDocument() && !v.asDocument().isEmpty() && !Filter.isOperatorObject(v)) {
        flatten(v.asDocument(), path + ".", out);
      } else {
        out.add(new Field(Paths.split(path), Expression.compile(v)));
      }
    }
  }

  BsonDocument apply(BsonDocument doc) {
    BsonDocument out = doc.clone();
    for (Field f : fields) {
      BsonValue v = f.expression().evaluate(doc);
      set(out, f.path(), 0, v);
    }
    return out;
  }

  private static void set(BsonDocument doc, String[] path, int i, BsonValue value) {
    String name = path[i];
    if (i == path.length - 1) {
      if (value == null) {
        doc.remove(name);
      } else {
        doc.put(name, value);
      }
      return;
    }
    BsonValue child = doc.get(name);
    if (child instanceof BsonDocument d) {
      set(d, path, i + 1, value);
    } else if (child instanceof BsonArray a) {
      doc.put(name, setInArray(a, path, i + 1, value));
    } else if (value != null) {
      BsonDocument d = new BsonDocument();
      set(d, path, i + 1, value);
      doc.put(name, d);
    }
  }

  private static BsonArray setInArray(BsonArray a, String[] path, int i, BsonValue value) {
    BsonArray out = new BsonArray();
    for (BsonValue e : a) {
      if (e instanceof BsonDocument d) {
        set(d, path, i, value);
        out.add(d);
      } else if (e instanceof BsonArray nested) {
        out.add(setInArray(nested, path, i, value));
      } else {
        BsonDocument d = new BsonDocument();
        set(d, path, i, value);
        out.add(d);
      }
    }
    return out;
  }
}
