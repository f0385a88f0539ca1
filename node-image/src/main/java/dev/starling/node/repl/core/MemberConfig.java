package dev.starling.node.repl.core;

import java.util.Map;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/** One entry of a replica-set config's {@code members} array, with defaults filled in. */
public record MemberConfig(
    int id,
    String host,
    double priority,
    int votes,
    boolean hidden,
    long secondaryDelaySecs,
    boolean arbiterOnly,
    boolean buildIndexes,
    Map<String, String> tags) {

  public MemberConfig {
    tags = Map.copyOf(tags);
  }

  /** A plain voting, electable, data-bearing member. */
  public static MemberConfig of(int id, String host) {
    return new MemberConfig(id, host, 1, 1, false, 0, false, true, Map.of());
  }

  public MemberConfig withPriority(double p) {
    return new MemberConfig(
        id, host, p, votes, hidden, secondaryDelaySecs, arbiterOnly, buildIndexes, tags);
  }

  public MemberConfig withVotes(int v) {
    return new MemberConfig(
        id, host, priority, v, hidden, secondaryDelaySecs, arbiterOnly, buildIndexes, tags);
  }

  public boolean isVoter() {
    return votes > 0;
  }

  /** Can stand for election: priority above 0 (validation makes that imply voter, visible...). */
  public boolean isElectable() {
    return priority > 0 && !arbiterOnly && votes > 0 && !hidden && secondaryDelaySecs == 0;
  }

  public boolean isDataBearing() {
    return !arbiterOnly;
  }

  public BsonDocument toBsonDocument() {
    BsonDocument t = new BsonDocument();
    tags.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> t.append(e.getKey(), new BsonString(e.getValue())));
    return new BsonDocument("_id", new BsonInt32(id))
        .append("host", new BsonString(host))
        .append("arbiterOnly", BsonBoolean.valueOf(arbiterOnly))
        .append("buildIndexes", BsonBoolean.valueOf(buildIndexes))
        .append("hidden", BsonBoolean.valueOf(hidden))
        .append("priority", new BsonDouble(priority))
        .append("tags", t)
        .append("secondaryDelaySecs", new BsonInt64(secondaryDelaySecs))
        .append("votes", new BsonInt32(votes));
  }
}
