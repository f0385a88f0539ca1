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
    Map<String, String> tags,
    boolean newlyAdded) {

  public MemberConfig {
    tags = Map.copyOf(tags);
  }

  /** A member without the {@code newlyAdded} mark. */
  public MemberConfig(
      int id,
      String host,
      double priority,
      int votes,
      boolean hidden,
      long secondaryDelaySecs,
      boolean arbiterOnly,
      boolean buildIndexes,
      Map<String, String> tags) {
    this(
        id,
        host,
        priority,
        votes,
        hidden,
        secondaryDelaySecs,
        arbiterOnly,
        buildIndexes,
        tags,
        false);
  }

  /** A plain voting, electable, data-bearing member. */
  public static MemberConfig of(int id, String host) {
    return new MemberConfig(id, host, 1, 1, false, 0, false, true, Map.of());
  }

  public MemberConfig withPriority(double p) {
    return new MemberConfig(
        id,
        host,
        p,
        votes,
        hidden,
        secondaryDelaySecs,
        arbiterOnly,
        buildIndexes,
        tags,
        newlyAdded);
  }

  public MemberConfig withVotes(int v) {
    return new MemberConfig(
        id,
        host,
        priority,
        v,
        hidden,
        secondaryDelaySecs,
        arbiterOnly,
        buildIndexes,
        tags,
        newlyAdded);
  }

  /** This member with the {@code newlyAdded} mark set or cleared. */
  public MemberConfig withNewlyAdded(boolean mark) {
    return new MemberConfig(
        id,
        host,
        priority,
        votes,
        hidden,
        secondaryDelaySecs,
        arbiterOnly,
        buildIndexes,
        tags,
        mark);
  }

  /**
   * Counts as a voter now: configured with a vote and not {@code newlyAdded} (a new member votes,
   * and counts for majorities, only once the primary has seen it caught up and cleared the mark).
   */
  public boolean isVoter() {
    return votes > 0 && !newlyAdded;
  }

  /** Configured with a vote ({@code votes: 1}), whether or not it may use it yet. */
  public boolean hasVote() {
    return votes > 0;
  }

  /** Can stand for election now: a voter with priority above 0, visible and not delayed. */
  public boolean isElectable() {
    return priority > 0 && !arbiterOnly && isVoter() && !hidden && secondaryDelaySecs == 0;
  }

  /** Would be electable without the {@code newlyAdded} mark (what config validation counts). */
  public boolean isConfiguredElectable() {
    return withNewlyAdded(false).isElectable();
  }

  public boolean isDataBearing() {
    return !arbiterOnly;
  }

  /** The stored form, {@code newlyAdded} included. */
  public BsonDocument toBsonDocument() {
    return toBsonDocument(true);
  }

  /**
   * The replSetGetConfig form; mongod shows {@code newlyAdded} only when asked for it ({@code
   * $_internalIncludeNewlyAdded}), so {@code rs.conf()} never shows it.
   */
  public BsonDocument toBsonDocument(boolean includeNewlyAdded) {
    BsonDocument t = new BsonDocument();
    tags.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> t.append(e.getKey(), new BsonString(e.getValue())));
    BsonDocument d =
        new BsonDocument("_id", new BsonInt32(id))
            .append("host", new BsonString(host))
            .append("arbiterOnly", BsonBoolean.valueOf(arbiterOnly));
    if (newlyAdded && includeNewlyAdded) {
      d.append("newlyAdded", BsonBoolean.TRUE);
    }
    return d.append("buildIndexes", BsonBoolean.valueOf(buildIndexes))
        .append("hidden", BsonBoolean.valueOf(hidden))
        .append("priority", new BsonDouble(priority))
        .append("tags", t)
        .append("secondaryDelaySecs", new BsonInt64(secondaryDelaySecs))
        .append("votes", new BsonInt32(votes));
  }
}
