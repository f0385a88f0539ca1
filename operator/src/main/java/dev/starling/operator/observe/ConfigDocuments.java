package dev.starling.operator.observe;

import dev.starling.operator.plan.ConfigMember;
import dev.starling.operator.plan.ConfigSettings;
import dev.starling.operator.plan.ReplSetConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Replica-set config documents, both ways: what replSetGetConfig returns, read as the planner's
 * {@link ReplSetConfig}; and a planned config written onto the document that was read, so that the
 * fields the planner does not manage (replicaSetId, heartbeatTimeoutSecs, buildIndexes, ...) travel
 * unchanged into replSetReconfig.
 */
public final class ConfigDocuments {
  private ConfigDocuments() {}

  /** The planner's view of a config document; a missing {@code term} reads as -1, as mongod's. */
  public static ReplSetConfig parse(BsonDocument doc) {
    var members = new java.util.ArrayList<ConfigMember>();
    for (BsonValue v : doc.getArray("members", new BsonArray())) {
      members.add(member(v.asDocument()));
    }
    BsonDocument s = doc.getDocument("settings", new BsonDocument());
    ConfigSettings d = ConfigSettings.DEFAULT;
    ConfigSettings settings =
        new ConfigSettings(
            longOf(s, "electionTimeoutMillis", d.electionTimeoutMillis()),
            longOf(s, "heartbeatIntervalMillis", d.heartbeatIntervalMillis()),
            boolOf(s, "chainingAllowed", d.chainingAllowed()),
            longOf(s, "catchUpTimeoutMillis", d.catchUpTimeoutMillis()));
    Map<String, Map<String, Integer>> modes = new LinkedHashMap<>();
    for (var mode : s.getDocument("getLastErrorModes", new BsonDocument()).entrySet()) {
      Map<String, Integer> tags = new LinkedHashMap<>();
      mode.getValue()
          .asDocument()
          .forEach((tag, count) -> tags.put(tag, (int) count.asNumber().longValue()));
      modes.put(mode.getKey(), tags);
    }
    return new ReplSetConfig(
        doc.getString("_id").getValue(),
        (int) longOf(doc, "version", 0),
        longOf(doc, "term", -1),
        members,
        settings,
        modes);
  }

  private static ConfigMember member(BsonDocument m) {
    boolean arbiter = boolOf(m, "arbiterOnly", false);
    Map<String, String> tags = new LinkedHashMap<>();
    m.getDocument("tags", new BsonDocument())
        .forEach((k, v) -> tags.put(k, v.isString() ? v.asString().getValue() : v.toString()));
    return new ConfigMember(
        (int) longOf(m, "_id", 0),
        m.getString("host").getValue(),
        arbiter,
        m.containsKey("priority") ? m.get("priority").asNumber().doubleValue() : arbiter ? 0 : 1,
        (int) longOf(m, "votes", 1),
        boolOf(m, "hidden", false),
        longOf(m, "secondaryDelaySecs", 0),
        tags,
        boolOf(m, "newlyAdded", false));
  }

  /**
   * The document to send for {@code planned}: {@code current} (the primary's replSetGetConfig
   * reply; null for replSetInitiate) with the planned version, members and managed settings. {@code
   * term} and {@code newlyAdded} are left out: the primary stamps its term, marks new voters
   * itself, and refuses a reconfig that sets newlyAdded.
   */
  public static BsonDocument render(ReplSetConfig planned, BsonDocument current) {
    BsonDocument doc =
        current == null ? new BsonDocument("_id", new BsonString(planned.name())) : current.clone();
    doc.remove("term");
    doc.put("version", new BsonInt32(planned.version()));
    Map<String, BsonDocument> existing = new LinkedHashMap<>();
    if (current != null) {
      for (BsonValue v : current.getArray("members", new BsonArray())) {
        existing.put(v.asDocument().getString("host").getValue(), v.asDocument());
      }
    }
    BsonArray members = new BsonArray();
    for (ConfigMember m : planned.members()) {
      BsonDocument base = existing.get(m.host());
      members.add(member(m, base == null ? new BsonDocument() : base.clone()));
    }
    doc.put("members", members);
    BsonDocument settings = doc.getDocument("settings", new BsonDocument());
    ConfigSettings s = planned.settings();
    settings.put("electionTimeoutMillis", new BsonInt64(s.electionTimeoutMillis()));
    settings.put("heartbeatIntervalMillis", new BsonInt64(s.heartbeatIntervalMillis()));
    settings.put("chainingAllowed", BsonBoolean.valueOf(s.chainingAllowed()));
    settings.put("catchUpTimeoutMillis", new BsonInt64(s.catchUpTimeoutMillis()));
    BsonDocument modes = new BsonDocument();
    planned
        .sortedModes()
        .forEach(
            (name, tags) -> {
              BsonDocument t = new BsonDocument();
              tags.forEach((tag, count) -> t.append(tag, new BsonInt32(count)));
              modes.append(name, t);
            });
    settings.put("getLastErrorModes", modes);
    doc.put("settings", settings);
    return doc;
  }

  private static BsonDocument member(ConfigMember m, BsonDocument doc) {
    doc.remove("newlyAdded");
    doc.put("_id", new BsonInt32(m.id()));
    doc.put("host", new BsonString(m.host()));
    doc.put("arbiterOnly", BsonBoolean.valueOf(m.arbiterOnly()));
    doc.put("priority", new BsonDouble(m.priority()));
    doc.put("votes", new BsonInt32(m.votes()));
    doc.put("hidden", BsonBoolean.valueOf(m.hidden()));
    doc.put("secondaryDelaySecs", new BsonInt64(m.secondaryDelaySecs()));
    BsonDocument tags = new BsonDocument();
    new java.util.TreeMap<>(m.tags()).forEach((k, v) -> tags.append(k, new BsonString(v)));
    doc.put("tags", tags);
    return doc;
  }

  static long longOf(BsonDocument d, String field, long fallback) {
    BsonValue v = d.get(field);
    return v != null && v.isNumber() ? v.asNumber().longValue() : fallback;
  }

  static boolean boolOf(BsonDocument d, String field, boolean fallback) {
    BsonValue v = d.get(field);
    return v != null && v.isBoolean() ? v.asBoolean().getValue() : fallback;
  }
}
