package dev.starling.node.repl.core;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/**
 * A custom write concern mode of {@code settings.getLastErrorModes}: for each tag name, how many
 * distinct values of it the members that acknowledged a write must carry. {@code {dc: 2}} is
 * satisfied once members in two different {@code dc}s have the write.
 */
public record WriteConcernMode(String name, Map<String, Integer> constraints) {

  public WriteConcernMode {
    constraints = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(constraints));
  }

  /**
   * Parses {@code getLastErrorModes}: every mode is an object of tag names to positive integers (14
   * TypeMismatch for other types, 2 BadValue for counts below 1).
   */
  public static Map<String, WriteConcernMode> parseAll(BsonDocument modes) {
    Map<String, WriteConcernMode> out = new LinkedHashMap<>();
    for (Map.Entry<String, BsonValue> mode : modes.entrySet()) {
      String where = "settings.getLastErrorModes." + mode.getKey();
      if (!mode.getValue().isDocument()) {
        throw new MongoServerException(
            ErrorCode.TYPE_MISMATCH,
            "Expected " + where + " to be an Object, not " + mode.getValue().getBsonType());
      }
      Map<String, Integer> constraints = new LinkedHashMap<>();
      for (Map.Entry<String, BsonValue> c : mode.getValue().asDocument().entrySet()) {
        BsonValue v = c.getValue();
        if (!v.isNumber()) {
          throw new MongoServerException(
              ErrorCode.TYPE_MISMATCH,
              "Expected " + where + "." + c.getKey() + " to be a number, not " + v.getBsonType());
        }
        int count = (int) v.asNumber().doubleValue();
        if (count < 1) {
          throw new MongoServerException(
              ErrorCode.BAD_VALUE,
              "Value of " + where + "." + c.getKey() + " must be positive, but found " + count);
        }
        constraints.put(c.getKey(), count);
      }
      out.put(mode.getKey(), new WriteConcernMode(mode.getKey(), constraints));
    }
    return out;
  }

  /** Every tag a mode names must be carried by some member: 4 NoSuchKey otherwise. */
  public void validate(List<MemberConfig> members) {
    for (String tag : constraints.keySet()) {
      if (members.stream().noneMatch(m -> m.tags().containsKey(tag))) {
        throw new MongoServerException(
            ErrorCode.NO_SUCH_KEY, "No replica set tag key " + tag + " in config");
      }
    }
  }

  /** Whether {@code acknowledged} (members that have the write) satisfy every constraint. */
  public boolean isSatisfiedBy(Collection<MemberConfig> acknowledged) {
    for (Map.Entry<String, Integer> c : constraints.entrySet()) {
      Set<String> values = new HashSet<>();
      for (MemberConfig m : acknowledged) {
        String v = m.tags().get(c.getKey());
        if (v != null) {
          values.add(v);
        }
      }
      if (values.size() < c.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The getLastErrorModes entry as replSetGetConfig shows it. */
  public BsonDocument toBsonDocument() {
    BsonDocument doc = new BsonDocument();
    constraints.forEach((k, v) -> doc.append(k, new BsonInt32(v)));
    return doc;
  }
}
