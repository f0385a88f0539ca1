package dev.starling.node.repl.core;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * A replica-set configuration as replSetInitiate and replSetReconfig take it and replSetGetConfig
 * shows it. {@link #parse} checks field types; {@link #validate} applies MongoDB's rules and throws
 * InvalidReplicaSetConfig (93).
 */
public final class ReplSetConfig {
  public static final int MAX_MEMBERS = 50;
  public static final int MAX_VOTING_MEMBERS = 7;
  public static final long MAX_SECONDARY_DELAY_SECS = 3600L * 24 * 366;

  /** mongod's default: a caught-up secondary may take over within this window of the primary. */
  public static final long PRIORITY_TAKEOVER_FRESHNESS_SECS = 2;

  private final String name;
  private final int version;
  private final long term;
  private final List<MemberConfig> members;
  private final boolean writeConcernMajorityJournalDefault;
  private final boolean chainingAllowed;
  private final long heartbeatIntervalMillis;
  private final long heartbeatTimeoutSecs;
  private final long electionTimeoutMillis;
  private final long catchUpTimeoutMillis;
  private final long catchUpTakeoverDelayMillis;
  private final ObjectId replicaSetId;
  private final Map<String, WriteConcernMode> writeConcernModes;

  private ReplSetConfig(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.term = b.term;
    this.members = List.copyOf(b.members);
    this.writeConcernMajorityJournalDefault = b.writeConcernMajorityJournalDefault;
    this.chainingAllowed = b.chainingAllowed;
    this.heartbeatIntervalMillis = b.heartbeatIntervalMillis;
    this.heartbeatTimeoutSecs = b.heartbeatTimeoutSecs;
    this.electionTimeoutMillis = b.electionTimeoutMillis;
    this.catchUpTimeoutMillis = b.catchUpTimeoutMillis;
    this.catchUpTakeoverDelayMillis = b.catchUpTakeoverDelayMillis;
    this.replicaSetId = b.replicaSetId;
    this.writeConcernModes = java.util.Collections.unmodifiableMap(b.writeConcernModes);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Parses and validates; throws 93 InvalidReplicaSetConfig or 14 TypeMismatch. */
  public static ReplSetConfig parse(BsonDocument doc) {
    ReplSetConfig c = parseUnvalidated(doc);
    c.validate();
    return c;
  }

  /**
   * Parses a config a client sent to replSetReconfig: field types and each member's own rules (93
   * InvalidReplicaSetConfig, as mongod's parser); the set-wide rules are left to {@link
   * #validateReconfig}, which reports them as 103 like mongod. {@code newlyAdded} is the server's
   * own mark and may not be sent.
   */
  public static ReplSetConfig parseForReconfig(BsonDocument doc) {
    ReplSetConfig c = parseUnvalidated(doc);
    if (c.members.stream().anyMatch(MemberConfig::newlyAdded)) {
      throw invalid("Cannot provide newlyAdded field to member config during reconfig.");
    }
    c.validateMembers();
    return c;
  }

  /** Parses field types only, so callers (and tests) can validate separately. */
  public static ReplSetConfig parseUnvalidated(BsonDocument doc) {
    BsonValue id = doc.get("_id");
    if (id == null) {
      throw invalid("Missing expected field \"_id\"");
    }
    if (!id.isString()) {
      throw typeMismatch("_id", "string", id);
    }
    Builder b = new Builder(id.asString().getValue());
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      switch (f) {
        case "_id" -> {}
        case "version" -> b.version = (int) integral(f, v);
        case "term" -> b.term = integral(f, v);
        case "protocolVersion" -> {
          if (integral(f, v) != 1) {
            throw invalid("Only protocolVersion 1 is supported; found " + v);
          }
        }
        case "writeConcernMajorityJournalDefault" ->
            b.writeConcernMajorityJournalDefault = bool(f, v);
        case "members" -> {
          if (!v.isArray()) {
            throw typeMismatch(f, "array", v);
          }
          int i = 0;
          for (BsonValue m : v.asArray()) {
            if (!m.isDocument()) {
              throw typeMismatch("members." + i, "object", m);
            }
            b.members.add(parseMember(m.asDocument(), i++));
          }
        }
        case "settings" -> {
          if (!v.isDocument()) {
            throw typeMismatch(f, "object", v);
          }
          parseSettings(b, v.asDocument());
        }
        default -> throw invalid("Unexpected field " + f + " in replica set configuration");
      }
    }
    if (!doc.containsKey("version")) {
      throw invalid("Missing expected field \"version\"");
    }
    if (!doc.containsKey("members")) {
      throw invalid("Missing expected field \"members\"");
    }
    return new ReplSetConfig(b);
  }

  private static MemberConfig parseMember(BsonDocument m, int index) {
    Integer id = null;
    String host = null;
    Double priority = null;
    int votes = 1;
    boolean hidden = false;
    long delay = 0;
    boolean arbiter = false;
    boolean buildIndexes = true;
    boolean newlyAdded = false;
    Map<String, String> tags = new LinkedHashMap<>();
    String p = "members." + index + ".";
    for (Map.Entry<String, BsonValue> e : m.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      switch (f) {
        case "_id" -> id = (int) integral(p + f, v);
        case "host" -> {
          if (!v.isString()) {
            throw typeMismatch(p + f, "string", v);
          }
          host = normalizeHost(v.asString().getValue());
        }
        case "priority" -> priority = number(p + f, v);
        case "votes" -> {
          double d = number(p + f, v);
          votes = (int) d;
          if (votes != d) {
            throw invalid("votes field value is " + v + " but must be 0 or 1");
          }
        }
        case "hidden" -> hidden = bool(p + f, v);
        case "secondaryDelaySecs" -> delay = integral(p + f, v);
        case "slaveDelay" ->
            throw invalid("slaveDelay is no longer supported, use " + "secondaryDelaySecs");
        case "arbiterOnly" -> arbiter = bool(p + f, v);
        case "buildIndexes" -> buildIndexes = bool(p + f, v);
        case "newlyAdded" -> newlyAdded = bool(p + f, v);
        case "tags" -> {
          if (!v.isDocument()) {
            throw typeMismatch(p + f, "object", v);
          }
          for (Map.Entry<String, BsonValue> t : v.asDocument().entrySet()) {
            if (!t.getValue().isString()) {
              throw typeMismatch(p + "tags." + t.getKey(), "string", t.getValue());
            }
            tags.put(t.getKey(), t.getValue().asString().getValue());
          }
        }
        default -> throw invalid("Unexpected field " + f + " in replica set member configuration");
      }
    }
    if (id == null) {
      throw invalid("Missing expected field \"_id\" in members." + index);
    }
    if (host == null) {
      throw invalid("Missing expected field \"host\" in members." + index);
    }
    double prio = priority != null ? priority : (arbiter ? 0 : 1);
    return new MemberConfig(
        id, host, prio, votes, hidden, delay, arbiter, buildIndexes, tags, newlyAdded);
  }

  private static void parseSettings(Builder b, BsonDocument s) {
    for (Map.Entry<String, BsonValue> e : s.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      String p = "settings." + f;
      switch (f) {
        case "chainingAllowed" -> b.chainingAllowed = bool(p, v);
        case "heartbeatIntervalMillis" -> b.heartbeatIntervalMillis = integral(p, v);
        case "heartbeatTimeoutSecs" -> b.heartbeatTimeoutSecs = integral(p, v);
        case "electionTimeoutMillis" -> b.electionTimeoutMillis = integral(p, v);
        case "catchUpTimeoutMillis" -> b.catchUpTimeoutMillis = integral(p, v);
        case "catchUpTakeoverDelayMillis" -> b.catchUpTakeoverDelayMillis = integral(p, v);
        case "replicaSetId" -> {
          if (!v.isObjectId()) {
            throw typeMismatch(p, "objectId", v);
          }
          b.replicaSetId = v.asObjectId().getValue();
        }
        case "getLastErrorModes" -> {
          if (!v.isDocument()) {
            throw typeMismatch(p, "object", v);
          }
          b.writeConcernModes = new LinkedHashMap<>(WriteConcernMode.parseAll(v.asDocument()));
        }
        case "getLastErrorDefaults" -> {
          if (!v.isDocument()) {
            throw typeMismatch(p, "object", v);
          }
        }
        default -> throw invalid("Unexpected field " + f + " in replica set settings");
      }
    }
  }

  static String normalizeHost(String host) {
    if (host.isEmpty()) {
      throw invalid("Empty host is not a valid host");
    }
    return host.startsWith("[") || host.contains(":") ? host : host + ":27017";
  }

  /** Applies mongod's validation rules; throws 93 InvalidReplicaSetConfig. */
  public void validate() {
    validateMembers();
    validateSet();
  }

  /**
   * Each member's own rules (mongod checks them while parsing a member): _id, votes, priority and
   * what a priority above 0 requires, secondaryDelaySecs, arbiters. Throws 93.
   */
  public void validateMembers() {
    for (MemberConfig m : members) {
      if (m.id() < 0) {
        throw invalid("_id field value of " + m.id() + " is out of range");
      }
      if (m.votes() != 0 && m.votes() != 1) {
        throw invalid("votes field value is " + m.votes() + " but must be 0 or 1");
      }
      if (m.priority() < 0 || m.priority() > 1000 || Double.isNaN(m.priority())) {
        throw invalid("priority field value of " + m.priority() + " is out of range");
      }
      if (m.secondaryDelaySecs() < 0 || m.secondaryDelaySecs() > MAX_SECONDARY_DELAY_SECS) {
        throw invalid(
            "secondaryDelaySecs field value of " + m.secondaryDelaySecs() + " is out of range");
      }
      if (m.arbiterOnly()) {
        if (m.priority() != 0) {
          throw invalid("priority must be 0 when arbiterOnly=true");
        }
        if (m.votes() != 1) {
          throw invalid("Arbiter must vote (cannot have 0 votes)");
        }
        if (m.newlyAdded()) {
          throw invalid("Arbiter cannot have newlyAdded field set");
        }
      }
      if (m.priority() > 0) {
        if (m.votes() == 0) {
          throw invalid("priority must be 0 when non-voting (votes:0)");
        }
        if (m.hidden()) {
          throw invalid("priority must be 0 when hidden=true");
        }
        if (m.secondaryDelaySecs() > 0) {
          throw invalid("priority must be 0 when secondaryDelaySecs is used");
        }
        if (!m.buildIndexes()) {
          throw invalid("priority must be 0 when buildIndexes=false");
        }
      }
    }
  }

  /**
   * The set-wide rules: name, version, 1-50 members, 1-7 voters, an electable member, unique _ids
   * and hosts, positive timing settings. Throws 93.
   */
  private void validateSet() {
    if (name.isEmpty()) {
      throw invalid("Replica set configuration must have non-empty _id field");
    }
    if (version <= 0) {
      throw invalid("version field value of " + version + " is out of range");
    }
    if (members.isEmpty() || members.size() > MAX_MEMBERS) {
      throw invalid(
          "Replica set configuration contains "
              + members.size()
              + " members, but must have at least 1 and no more than "
              + MAX_MEMBERS);
    }
    int voters = 0;
    boolean electable = false;
    Map<Integer, Integer> ids = new HashMap<>();
    Map<String, Integer> hosts = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      MemberConfig m = members.get(i);
      Integer prev = ids.put(m.id(), i);
      if (prev != null) {
        throw invalid(
            "Found two member configurations with same _id field, members."
                + prev
                + "._id == members."
                + i
                + "._id == "
                + m.id());
      }
      prev = hosts.put(m.host(), i);
      if (prev != null) {
        throw invalid(
            "Found two member configurations with same host field, members."
                + prev
                + ".host == members."
                + i
                + ".host == "
                + m.host());
      }
      voters += m.hasVote() ? 1 : 0;
      electable |= m.isConfiguredElectable();
    }
    if (voters == 0 || voters > MAX_VOTING_MEMBERS) {
      throw invalid(
          "Replica set configuration contains "
              + voters
              + " voting members, but must be at least 1 and no more than "
              + MAX_VOTING_MEMBERS);
    }
    if (!electable) {
      throw invalid(
          "Replica set configuration must contain at least one non-arbiter member with"
              + " priority > 0");
    }
    if (heartbeatIntervalMillis <= 0) {
      throw invalid("settings.heartbeatIntervalMillis field value must be positive");
    }
    if (heartbeatTimeoutSecs <= 0) {
      throw invalid("settings.heartbeatTimeoutSecs field value must be positive");
    }
    if (electionTimeoutMillis <= 0) {
      throw invalid("settings.electionTimeoutMillis field value must be positive");
    }
    if (catchUpTakeoverDelayMillis < -1) {
      throw invalid("settings.catchUpTakeoverDelayMillis field value must be -1 or greater");
    }
    writeConcernModes.values().forEach(mode -> mode.validate(members));
  }

  /**
   * Checks that {@code next} may replace {@code current} through replSetReconfig, as mongod's
   * validateConfigForReconfig: the set-wide rules of {@link #validate}, then the same set name and
   * replicaSetId, a higher version, each member keeps its arbiterOnly and buildIndexes, a host
   * keeps its _id, and (not with {@code force}) at most one voter is added or removed, where a
   * {@code newlyAdded} member is not yet a voter. Throws 103 NewReplicaSetConfigurationIncompatible
   * (mongod reports every failure of this step with that code).
   */
  public static void validateReconfig(ReplSetConfig current, ReplSetConfig next, boolean force) {
    try {
      next.validate();
    } catch (MongoServerException e) {
      if (e.error() == ErrorCode.INVALID_REPLICA_SET_CONFIG) {
        throw incompatible(e.getMessage());
      }
      throw e;
    }
    if (!current.name.equals(next.name)) {
      throw incompatible(
          "New and old configurations differ in replica set name; old was "
              + current.name
              + ", and new is "
              + next.name);
    }
    if (current.replicaSetId != null
        && next.replicaSetId != null
        && !current.replicaSetId.equals(next.replicaSetId)) {
      throw incompatible(
          "New and old configurations differ in replica set ID; old was "
              + current.replicaSetId
              + ", and new is "
              + next.replicaSetId);
    }
    if (!force && next.version <= current.version) {
      throw incompatible(
          "New replica set configuration version must be greater than old, but "
              + next.version
              + " is not greater than "
              + current.version
              + " for replica set "
              + next.name);
    }
    for (MemberConfig n : next.members) {
      Optional<MemberConfig> o = current.findMemberById(n.id());
      if (o.isPresent() && o.get().arbiterOnly() != n.arbiterOnly()) {
        throw incompatible(
            "New and old configurations differ in the setting of the arbiterOnly field for member "
                + n.host()
                + "; to make this change, remove then re-add the member");
      }
      if (o.isPresent() && o.get().buildIndexes() != n.buildIndexes()) {
        throw incompatible(
            "New and old configurations differ in the setting of the buildIndexes field for member "
                + n.host()
                + "; to make this change, remove then re-add the member");
      }
      Optional<MemberConfig> sameHost =
          current.members.stream().filter(m -> m.host().equals(n.host())).findFirst();
      if (sameHost.isPresent() && sameHost.get().id() != n.id()) {
        throw incompatible(
            "New and old configurations both have members with host of "
                + n.host()
                + " but in the new configuration the _id field is "
                + n.id()
                + " and in the old configuration it is "
                + sameHost.get().id()
                + " for replica set "
                + next.name);
      }
    }
    if (!force) {
      Set<Integer> oldVoters = voterIds(current);
      Set<Integer> newVoters = voterIds(next);
      Set<Integer> added = new java.util.HashSet<>(newVoters);
      added.removeAll(oldVoters);
      Set<Integer> removed = new java.util.HashSet<>(oldVoters);
      removed.removeAll(newVoters);
      if (added.size() + removed.size() > 1) {
        throw incompatible(
            "Non force replica set reconfig can only add or remove at most 1 voting member.");
      }
    }
  }

  private static Set<Integer> voterIds(ReplSetConfig c) {
    Set<Integer> ids = new java.util.HashSet<>();
    c.members.stream().filter(MemberConfig::isVoter).forEach(m -> ids.add(m.id()));
    return ids;
  }

  /**
   * The requested config with mongod's {@code newlyAdded} marks: a member that is new (its _id not
   * in {@code current}) and has a vote, and is not an arbiter, is marked; a member marked in {@code
   * current} stays marked while it keeps its vote. Marked members do not vote or count for
   * majorities until the primary clears the mark.
   */
  public ReplSetConfig withNewlyAddedMarks(ReplSetConfig current) {
    Builder b = toBuilder();
    b.members.clear();
    for (MemberConfig m : members) {
      Optional<MemberConfig> old = current.findMemberById(m.id());
      boolean mark =
          m.hasVote()
              && !m.arbiterOnly()
              && (old.isEmpty() || (old.get().newlyAdded() && old.get().host().equals(m.host())));
      b.members.add(m.withNewlyAdded(mark));
    }
    return new ReplSetConfig(b);
  }

  /** This config with {@code memberId}'s newlyAdded mark cleared and the version one higher. */
  public ReplSetConfig withNewlyAddedCleared(int memberId) {
    Builder b = toBuilder();
    b.members.clear();
    for (MemberConfig m : members) {
      b.members.add(m.id() == memberId ? m.withNewlyAdded(false) : m);
    }
    b.version = version + 1;
    return new ReplSetConfig(b);
  }

  /**
   * mongod's implicit default write concern: {@code w: 1} when the set has arbiters and its voting
   * data-bearing members are no more than a voting majority (a majority write could then stall with
   * one data member down); otherwise {@code w: "majority"}. Counts configured votes, so clearing a
   * newlyAdded mark never changes it.
   */
  public boolean isImplicitDefaultWriteConcernMajority() {
    long arbiters = members.stream().filter(MemberConfig::arbiterOnly).count();
    long votingDataBearing = members.stream().filter(m -> m.hasVote() && m.isDataBearing()).count();
    long voters = members.stream().filter(MemberConfig::hasVote).count();
    return arbiters == 0 || votingDataBearing > voters / 2 + 1;
  }

  /**
   * Orders configs as MongoDB's ConfigVersionAndTerm: by term, then version; a term of -1 (force
   * reconfig or pre-term config) compares by version only.
   */
  public static int compareVersionAndTerm(int v1, long t1, int v2, long t2) {
    if (t1 == -1 || t2 == -1 || t1 == t2) {
      return Integer.compare(v1, v2);
    }
    return Long.compare(t1, t2);
  }

  /** This config stamped with the term of the primary that installs it. */
  public ReplSetConfig withTerm(long newTerm) {
    Builder b = toBuilder();
    b.term = newTerm;
    return new ReplSetConfig(b);
  }

  public ReplSetConfig withReplicaSetId(ObjectId id) {
    Builder b = toBuilder();
    b.replicaSetId = id;
    return new ReplSetConfig(b);
  }

  private Builder toBuilder() {
    Builder b = new Builder(name);
    b.version = version;
    b.term = term;
    b.members.addAll(members);
    b.writeConcernMajorityJournalDefault = writeConcernMajorityJournalDefault;
    b.chainingAllowed = chainingAllowed;
    b.heartbeatIntervalMillis = heartbeatIntervalMillis;
    b.heartbeatTimeoutSecs = heartbeatTimeoutSecs;
    b.electionTimeoutMillis = electionTimeoutMillis;
    b.catchUpTimeoutMillis = catchUpTimeoutMillis;
    b.catchUpTakeoverDelayMillis = catchUpTakeoverDelayMillis;
    b.replicaSetId = replicaSetId;
    b.writeConcernModes = new LinkedHashMap<>(writeConcernModes);
    return b;
  }

  /** The stored form (newlyAdded marks included), every default filled in as mongod shows it. */
  public BsonDocument toBsonDocument() {
    return toBsonDocument(true);
  }

  /** As {@link #toBsonDocument()}; replSetGetConfig leaves newlyAdded out unless asked. */
  public BsonDocument toBsonDocument(boolean includeNewlyAdded) {
    BsonArray ms = new BsonArray();
    members.forEach(m -> ms.add(m.toBsonDocument(includeNewlyAdded)));
    BsonDocument settings =
        new BsonDocument("chainingAllowed", BsonBoolean.valueOf(chainingAllowed))
            .append("heartbeatIntervalMillis", new BsonInt32((int) heartbeatIntervalMillis))
            .append("heartbeatTimeoutSecs", new BsonInt32((int) heartbeatTimeoutSecs))
            .append("electionTimeoutMillis", new BsonInt32((int) electionTimeoutMillis))
            .append("catchUpTimeoutMillis", new BsonInt32((int) catchUpTimeoutMillis))
            .append("catchUpTakeoverDelayMillis", new BsonInt32((int) catchUpTakeoverDelayMillis))
            .append("getLastErrorModes", modesDocument())
            .append(
                "getLastErrorDefaults",
                new BsonDocument("w", new BsonInt32(1)).append("wtimeout", new BsonInt32(0)));
    if (replicaSetId != null) {
      settings.append("replicaSetId", new org.bson.BsonObjectId(replicaSetId));
    }
    return new BsonDocument("_id", new BsonString(name))
        .append("version", new BsonInt32(version))
        .append("term", new BsonInt64(term))
        .append("members", ms)
        .append("protocolVersion", new BsonInt64(1))
        .append(
            "writeConcernMajorityJournalDefault",
            BsonBoolean.valueOf(writeConcernMajorityJournalDefault))
        .append("settings", settings);
  }

  private BsonDocument modesDocument() {
    BsonDocument modes = new BsonDocument();
    writeConcernModes.forEach((name, mode) -> modes.append(name, mode.toBsonDocument()));
    return modes;
  }

  // ---- accessors and derived facts ----

  /** The custom write concern mode {@code name} of settings.getLastErrorModes. */
  public Optional<WriteConcernMode> writeConcernMode(String name) {
    return Optional.ofNullable(writeConcernModes.get(name));
  }

  public String name() {
    return name;
  }

  public int version() {
    return version;
  }

  public long term() {
    return term;
  }

  public List<MemberConfig> members() {
    return members;
  }

  public boolean chainingAllowed() {
    return chainingAllowed;
  }

  public boolean writeConcernMajorityJournalDefault() {
    return writeConcernMajorityJournalDefault;
  }

  public long heartbeatIntervalMillis() {
    return heartbeatIntervalMillis;
  }

  public long heartbeatTimeoutMillis() {
    return heartbeatTimeoutSecs * 1000;
  }

  public long electionTimeoutMillis() {
    return electionTimeoutMillis;
  }

  public long catchUpTimeoutMillis() {
    return catchUpTimeoutMillis;
  }

  public long catchUpTakeoverDelayMillis() {
    return catchUpTakeoverDelayMillis;
  }

  public Optional<ObjectId> replicaSetId() {
    return Optional.ofNullable(replicaSetId);
  }

  public Optional<MemberConfig> findMemberById(int id) {
    return members.stream().filter(m -> m.id() == id).findFirst();
  }

  public Optional<MemberConfig> findMemberByHost(String host) {
    String h = normalizeHost(host);
    return members.stream().filter(m -> m.host().equals(h)).findFirst();
  }

  public int votingMemberCount() {
    return (int) members.stream().filter(MemberConfig::isVoter).count();
  }

  /** Votes needed to win an election: a strict majority of voting members. */
  public int majorityVoteCount() {
    return votingMemberCount() / 2 + 1;
  }

  /**
   * How many voting data-bearing members must have an op for it to be majority committed: MongoDB's
   * min(majorityVoteCount, writable voting members).
   */
  public int writeMajority() {
    int writableVoters =
        (int) members.stream().filter(m -> m.isVoter() && m.isDataBearing()).count();
    return Math.min(majorityVoteCount(), writableVoters);
  }

  /** How many members have a strictly higher priority than {@code memberId}. */
  public int priorityRank(int memberId) {
    double p = findMemberById(memberId).map(MemberConfig::priority).orElse(0.0);
    return (int) members.stream().filter(m -> m.priority() > p).count();
  }

  /** MongoDB's priority takeover delay: (rank + 1) election timeouts. */
  public long priorityTakeoverDelayMillis(int memberId) {
    return (priorityRank(memberId) + 1) * electionTimeoutMillis;
  }

  @Override
  public String toString() {
    return toBsonDocument().toJson();
  }

  static MongoServerException invalid(String msg) {
    return new MongoServerException(ErrorCode.INVALID_REPLICA_SET_CONFIG, msg);
  }

  static MongoServerException incompatible(String msg) {
    return new MongoServerException(ErrorCode.INCOMPATIBLE_CONFIG, msg);
  }

  private static MongoServerException typeMismatch(String field, String want, BsonValue got) {
    return new MongoServerException(
        ErrorCode.TYPE_MISMATCH,
        "\"" + field + "\" had the wrong type. Expected " + want + ", found " + got.getBsonType());
  }

  private static long integral(String field, BsonValue v) {
    double d = number(field, v);
    if (d != Math.rint(d)) {
      throw invalid(field + " field value of " + d + " must be an integer");
    }
    return (long) d;
  }

  private static double number(String field, BsonValue v) {
    if (v.isInt32()) {
      return v.asInt32().getValue();
    }
    if (v.isInt64()) {
      return v.asInt64().getValue();
    }
    if (v.isDouble()) {
      return v.asDouble().getValue();
    }
    if (v.isDecimal128()) {
      return v.asDecimal128().getValue().doubleValue();
    }
    throw typeMismatch(field, "number", v);
  }

  private static boolean bool(String field, BsonValue v) {
    if (v.isBoolean()) {
      return v.asBoolean().getValue();
    }
    if (v.isNumber()) {
      return number(field, v) != 0;
    }
    throw typeMismatch(field, "bool", v);
  }

  /** Builds configs in code (tests, the simulator, replSetInitiate's default config). */
  public static final class Builder {
    private final String name;
    private int version = 1;
    private long term = -1;
    private final List<MemberConfig> members = new ArrayList<>();
    private boolean writeConcernMajorityJournalDefault = true;
    private boolean chainingAllowed = true;
    private long heartbeatIntervalMillis = 2000;
    private long heartbeatTimeoutSecs = 10;
    private long electionTimeoutMillis = 10000;
    private long catchUpTimeoutMillis = -1;
    private long catchUpTakeoverDelayMillis = 30000;
    private ObjectId replicaSetId;
    private Map<String, WriteConcernMode> writeConcernModes = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder version(int v) {
      version = v;
      return this;
    }

    public Builder term(long t) {
      term = t;
      return this;
    }

    public Builder member(MemberConfig m) {
      members.add(m);
      return this;
    }

    public Builder chainingAllowed(boolean b) {
      chainingAllowed = b;
      return this;
    }

    public Builder electionTimeoutMillis(long ms) {
      electionTimeoutMillis = ms;
      return this;
    }

    /** Adds a settings.getLastErrorModes entry. */
    public Builder writeConcernMode(String modeName, Map<String, Integer> constraints) {
      writeConcernModes.put(modeName, new WriteConcernMode(modeName, constraints));
      return this;
    }

    public Builder heartbeatIntervalMillis(long ms) {
      heartbeatIntervalMillis = ms;
      return this;
    }

    public Builder catchUpTimeoutMillis(long ms) {
      catchUpTimeoutMillis = ms;
      return this;
    }

    public Builder catchUpTakeoverDelayMillis(long ms) {
      catchUpTakeoverDelayMillis = ms;
      return this;
    }

    /** Builds and validates. */
    public ReplSetConfig build() {
      ReplSetConfig c = new ReplSetConfig(this);
      c.validate();
      return c;
    }
  }
}
