package dev.starling.operator.observe;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * FOR BENCHMARKS ONLY ({@code starling.node-client=fake}): replica sets simulated in memory, one
 * state per host, so that the operator can be measured without running a single node (its pods may
 * stay Pending). Never use it against real members: it contacts nothing.
 *
 * <p>Replies are shaped as starling-node sends them (hello, replSetGetStatus, replSetGetConfig with
 * {@code newlyAdded}, collStats of local.oplog.rs, getDefaultRWConcern) and refusals are {@link
 * MongoCommandException}s with the node's codes. What it simulates:
 *
 * <ul>
 *   <li>A host without a config answers replSetGetStatus and replSetGetConfig with 94
 *       NotYetInitialized, and hello without {@code setName}.
 *   <li>replSetInitiate installs the config (term 1) on every host in it at once; the electable
 *       member with the highest priority (the first on a tie) becomes PRIMARY, every other data
 *       member SECONDARY, caught up (every member's optime is the primary's: lag 0).
 *   <li>replSetReconfig, on the primary only, installs the new config (the primary's term) on every
 *       host of it at once, so it is committed as soon as it is sent; new members skip {@code
 *       newlyAdded}; a host no longer in it keeps that config and is REMOVED; a primary left
 *       unelectable hands over to the best electable member (a new term).
 *   <li>replSetStepDown, on the primary only, makes the best other electable member primary (a new
 *       term; the config takes the term, as mongod's does after an election); 262 when there is
 *       none.
 *   <li>replSetResizeOplog sets that host's {@code maxSize} (990 MB until then, the node's smallest
 *       default, whatever the pod's flags say); setDefaultRWConcern, on the primary, stores the
 *       set's default, which getDefaultRWConcern on any member reads back.
 * </ul>
 *
 * Any host name is accepted. Thread-safe: every call holds the instance's lock, which virtual
 * threads do not pin on.
 */
public final class FakeNodeAdmin implements NodeAdmin {
  static final long MB = 1024L * 1024L;

  /** The node's smallest default oplog size, 990 MB; replSetResizeOplog takes no less. */
  static final long DEFAULT_OPLOG_MB = 990;

  static final int ALREADY_INITIALIZED = 23;
  static final int NAMESPACE_NOT_FOUND = 26;
  static final int INVALID_REPLICA_SET_CONFIG = 93;
  static final int NOT_YET_INITIALIZED = ObservationBuilder.NOT_YET_INITIALIZED;
  static final int NEW_CONFIG_INCOMPATIBLE = 103;
  static final int EXCEEDED_TIME_LIMIT = 262;
  static final int NOT_WRITABLE_PRIMARY = 10107;
  static final int OUT_OF_BOUNDS = 51024;

  private static final int STATE_PRIMARY = 1;
  private static final int STATE_SECONDARY = 2;
  private static final int STATE_ARBITER = 7;
  private static final int STATE_REMOVED = 10;

  /** One simulated replica set: its config (as every member of it has it), term and primary. */
  private static final class FakeSet {
    final String name;
    final ObjectId replicaSetId = new ObjectId();
    BsonDocument config;
    long term = 1;
    String primary;
    long electionSeconds;

    /** The last write's second: a config or a default written; every member has applied it. */
    long optimeSeconds;

    BsonDocument defaultWriteConcern;
    long defaultUpdatedMillis;

    FakeSet(String name) {
      this.name = name;
    }
  }

  /** One host: the set whose config it has (null before initiate), and its oplog size. */
  private static final class Host {
    FakeSet set;
    long oplogMaxBytes = DEFAULT_OPLOG_MB * MB;
    final long startedMillis;

    Host(long startedMillis) {
      this.startedMillis = startedMillis;
    }
  }

  private final Clock clock;
  private final Map<String, Host> hosts = new HashMap<>();

  public FakeNodeAdmin(Clock clock) {
    this.clock = clock;
  }

  @Override
  public boolean needsRunningPods() {
    return false;
  }

  @Override
  public synchronized BsonDocument hello(String host) {
    Host h = host(host);
    BsonDocument reply =
        new BsonDocument(
            "topologyVersion",
            new BsonDocument("processId", new BsonObjectId(new ObjectId()))
                .append("counter", new BsonInt64(0)));
    Optional<BsonDocument> self = h.set == null ? Optional.empty() : member(h.set.config, host);
    if (self.isEmpty()) {
      reply
          .append("isWritablePrimary", BsonBoolean.FALSE)
          .append("secondary", BsonBoolean.FALSE)
          .append("info", new BsonString("Does not have a valid replica set config"))
          .append("isreplicaset", BsonBoolean.TRUE);
      return common(reply);
    }
    FakeSet set = h.set;
    BsonArray hostList = new BsonArray();
    BsonArray passives = new BsonArray();
    BsonArray arbiters = new BsonArray();
    for (BsonDocument m : members(set.config)) {
      BsonString name = m.getString("host");
      if (bool(m, "arbiterOnly")) {
        arbiters.add(name);
      } else if (!bool(m, "hidden") && priority(m) == 0) {
        passives.add(name);
      } else if (!bool(m, "hidden")) {
        hostList.add(name);
      }
    }
    reply.append("hosts", hostList);
    if (!passives.isEmpty()) {
      reply.append("passives", passives);
    }
    if (!arbiters.isEmpty()) {
      reply.append("arbiters", arbiters);
    }
    BsonDocument m = self.get();
    boolean primary = host.equals(set.primary);
    reply
        .append("setName", new BsonString(set.name))
        .append("setVersion", new BsonInt32(version(set.config)))
        .append("isWritablePrimary", BsonBoolean.valueOf(primary))
        .append("secondary", BsonBoolean.valueOf(!primary && !bool(m, "arbiterOnly")));
    if (set.primary != null) {
      reply.append("primary", new BsonString(set.primary));
    }
    if (bool(m, "arbiterOnly")) {
      reply.append("arbiterOnly", BsonBoolean.TRUE);
    } else if (!bool(m, "hidden") && priority(m) == 0) {
      reply.append("passive", BsonBoolean.TRUE);
    }
    long delay = ConfigDocuments.longOf(m, "secondaryDelaySecs", 0);
    if (delay > 0) {
      reply.append("secondaryDelaySecs", new BsonInt64(delay));
    }
    if (bool(m, "hidden")) {
      reply.append("hidden", BsonBoolean.TRUE);
    }
    if (!m.getDocument("tags", new BsonDocument()).isEmpty()) {
      reply.append("tags", m.getDocument("tags").clone());
    }
    reply.append("me", new BsonString(host));
    if (primary) {
      reply.append("electionId", new BsonObjectId(new ObjectId()));
    }
    reply.append(
        "lastWrite",
        new BsonDocument("opTime", opTime(set))
            .append("lastWriteDate", new BsonDateTime(1000L * set.optimeSeconds)));
    return common(reply);
  }

  private BsonDocument common(BsonDocument reply) {
    return reply
        .append("maxBsonObjectSize", new BsonInt32(16 * 1024 * 1024))
        .append("maxMessageSizeBytes", new BsonInt32(48_000_000))
        .append("maxWriteBatchSize", new BsonInt32(100_000))
        .append("localTime", new BsonDateTime(clock.millis()))
        .append("minWireVersion", new BsonInt32(0))
        .append("maxWireVersion", new BsonInt32(17))
        .append("readOnly", BsonBoolean.FALSE);
  }

  @Override
  public synchronized BsonDocument replSetGetStatus(String host) {
    Host h = host(host);
    FakeSet set = initiated(host, h);
    long now = clock.millis();
    BsonDateTime written = new BsonDateTime(1000L * set.optimeSeconds);
    int myState = stateOf(set, host);
    BsonArray members = new BsonArray();
    for (BsonDocument m : members(set.config)) {
      String name = m.getString("host").getValue();
      boolean self = name.equals(host);
      int state = stateOf(set, name);
      BsonDocument s =
          new BsonDocument("_id", m.get("_id"))
              .append("name", new BsonString(name))
              .append("health", new BsonDouble(1))
              .append("state", new BsonInt32(state))
              .append("stateStr", new BsonString(stateStr(state)))
              .append(
                  "uptime", new BsonInt64(self ? Math.max(0, (now - h.startedMillis) / 1000) : 1))
              .append("optime", opTime(set))
              .append("optimeDurable", opTime(set))
              .append("optimeDate", written)
              .append("optimeDurableDate", written)
              .append("lastAppliedWallTime", written)
              .append("lastDurableWallTime", written);
      if (!self) {
        s.append("lastHeartbeat", new BsonDateTime(now))
            .append("lastHeartbeatRecv", new BsonDateTime(now))
            .append("pingMs", new BsonInt64(0))
            .append("lastHeartbeatMessage", new BsonString(""));
      }
      String source = state == STATE_SECONDARY && set.primary != null ? set.primary : "";
      s.append("syncSourceHost", new BsonString(source))
          .append("syncSourceId", new BsonInt32(source.isEmpty() ? -1 : idOf(set, source)))
          .append("infoMessage", new BsonString(""));
      if (self && state == STATE_PRIMARY) {
        s.append("electionTime", new BsonTimestamp((int) set.electionSeconds, 1))
            .append("electionDate", new BsonDateTime(1000L * set.electionSeconds));
      }
      s.append("configVersion", new BsonInt32(version(set.config)))
          .append("configTerm", new BsonInt64(set.term));
      if (self) {
        s.append("self", BsonBoolean.TRUE);
      }
      members.add(s);
    }
    String source = myState == STATE_SECONDARY && set.primary != null ? set.primary : "";
    int voters = voters(set.config).size();
    BsonDocument optime = opTime(set);
    return new BsonDocument("set", new BsonString(set.name))
        .append("date", new BsonDateTime(now))
        .append("myState", new BsonInt32(myState))
        .append("term", new BsonInt64(set.term))
        .append("syncSourceHost", new BsonString(source))
        .append("syncSourceId", new BsonInt32(source.isEmpty() ? -1 : idOf(set, source)))
        .append(
            "heartbeatIntervalMillis",
            new BsonInt64(
                ConfigDocuments.longOf(
                    set.config.getDocument("settings"), "heartbeatIntervalMillis", 2000)))
        .append("majorityVoteCount", new BsonInt32(voters / 2 + 1))
        .append("writeMajorityCount", new BsonInt32(voters / 2 + 1))
        .append("votingMembersCount", new BsonInt32(voters))
        .append("writableVotingMembersCount", new BsonInt32(voters))
        .append(
            "optimes",
            new BsonDocument("lastCommittedOpTime", optime)
                .append("lastCommittedWallTime", written)
                .append("readConcernMajorityOpTime", optime)
                .append("appliedOpTime", optime)
                .append("durableOpTime", optime)
                .append("lastAppliedWallTime", written)
                .append("lastDurableWallTime", written))
        .append("members", members);
  }

  @Override
  public synchronized BsonDocument replSetGetConfig(String host) {
    FakeSet set = initiated(host, host(host));
    // Every member has the set's config; the term is the set's, as after mongod's election.
    BsonDocument config = set.config.clone();
    config.put("term", new BsonInt64(set.term));
    return config;
  }

  @Override
  public synchronized BsonDocument oplogStats(String host) {
    Host h = host(host);
    return new BsonDocument("ns", new BsonString("local.oplog.rs"))
        .append("size", new BsonInt64(0))
        .append("count", new BsonInt64(0))
        .append("avgObjSize", new BsonInt64(0))
        .append("storageSize", new BsonInt64(0))
        .append("capped", BsonBoolean.TRUE)
        .append("max", new BsonInt64(-1))
        .append("maxSize", new BsonInt64(h.oplogMaxBytes))
        .append("nindexes", new BsonInt32(0))
        .append("totalIndexSize", new BsonInt64(0))
        .append("totalSize", new BsonInt64(0))
        .append("indexSizes", new BsonDocument())
        .append("scaleFactor", new BsonInt32(1));
  }

  @Override
  public synchronized BsonDocument getDefaultRWConcern(String host) {
    FakeSet set = host(host).set;
    boolean global = set != null && set.defaultWriteConcern != null;
    BsonDocument writeConcern;
    if (global) {
      writeConcern = set.defaultWriteConcern.clone();
    } else {
      boolean majority =
          set == null || ConfigDocuments.parse(set.config).implicitDefaultIsMajority();
      writeConcern =
          majority
              ? new BsonDocument("w", new BsonString("majority"))
                  .append("wtimeout", new BsonInt32(0))
              : new BsonDocument("w", new BsonInt32(1)).append("wtimeout", new BsonInt32(0));
    }
    BsonDocument reply =
        new BsonDocument("defaultReadConcern", new BsonDocument("level", new BsonString("local")))
            .append("defaultWriteConcern", writeConcern);
    if (global) {
      reply.append("updateWallClockTime", new BsonDateTime(set.defaultUpdatedMillis));
    }
    return reply
        .append("defaultWriteConcernSource", new BsonString(global ? "global" : "implicit"))
        .append("defaultReadConcernSource", new BsonString("implicit"))
        .append("localUpdateWallClockTime", new BsonDateTime(clock.millis()));
  }

  @Override
  public synchronized void replSetInitiate(String host, BsonDocument config) {
    Host h = host(host);
    if (h.set != null) {
      throw error(host, ALREADY_INITIALIZED, "AlreadyInitialized", "already initialized");
    }
    BsonDocument normalized = normalize(config, null);
    if (member(normalized, host).isEmpty()) {
      throw error(
          host,
          INVALID_REPLICA_SET_CONFIG,
          "InvalidReplicaSetConfig",
          "No host described in new configuration with {version: "
              + version(normalized)
              + ", term: 0} for replica set "
              + normalized.getString("_id").getValue()
              + " maps to this node");
    }
    FakeSet set = new FakeSet(normalized.getString("_id").getValue());
    normalized.put(
        "settings",
        normalized
            .getDocument("settings")
            .append("replicaSetId", new BsonObjectId(set.replicaSetId)));
    set.config = normalized;
    for (BsonDocument m : members(normalized)) {
      host(m.getString("host").getValue()).set = set;
    }
    elect(set, null);
  }

  @Override
  public synchronized void replSetReconfig(String host, BsonDocument config) {
    Host h = host(host);
    FakeSet set = h.set;
    if (set == null || !host.equals(set.primary)) {
      throw error(host, NOT_WRITABLE_PRIMARY, "NotWritablePrimary", "not primary");
    }
    BsonDocument next = normalize(config, set);
    if (!set.name.equals(next.getString("_id").getValue())) {
      throw incompatible(host, "New and old configurations differ in replica set name");
    }
    if (version(next) <= version(set.config)) {
      throw incompatible(
          host,
          "New replica set configuration version must be greater than old, but "
              + version(next)
              + " is not greater than "
              + version(set.config));
    }
    // New members join newlyAdded (no vote) on a real node; here they skip it, so only the members
    // of both configs count, as the node counts them.
    Set<String> before = voters(set.config);
    Set<String> after = voters(next);
    after.removeIf(v -> member(set.config, v).isEmpty());
    Set<String> changed = new LinkedHashSet<>(before);
    changed.addAll(after);
    Set<String> both = new LinkedHashSet<>(before);
    both.retainAll(after);
    changed.removeAll(both);
    if (changed.size() > 1) {
      throw incompatible(
          host,
          "Non force replica set reconfig can only add or remove at most 1 voting member; "
              + changed.size()
              + " change: "
              + changed);
    }
    set.config = next;
    wrote(set);
    for (BsonDocument m : members(next)) {
      // A host of another set is taken over: any host name is accepted.
      host(m.getString("host").getValue()).set = set;
    }
    Optional<BsonDocument> primary = member(next, set.primary);
    if (primary.isEmpty() || !electable(primary.get())) {
      elect(set, set.primary);
    }
  }

  @Override
  public synchronized void replSetStepDown(
      String host, int stepDownSecs, int secondaryCatchUpPeriodSecs) {
    Host h = host(host);
    FakeSet set = h.set;
    if (set == null || !host.equals(set.primary)) {
      throw error(
          host, NOT_WRITABLE_PRIMARY, "NotWritablePrimary", "not primary so can't step down");
    }
    if (best(set, host).isEmpty()) {
      throw error(
          host,
          EXCEEDED_TIME_LIMIT,
          "ExceededTimeLimit",
          "No electable secondaries caught up as of " + clock.instant());
    }
    elect(set, host);
  }

  @Override
  public synchronized void replSetResizeOplog(String host, int sizeMB) {
    if (sizeMB < DEFAULT_OPLOG_MB) {
      throw error(
          host,
          OUT_OF_BOUNDS,
          "Location51024",
          "BSON field 'replSetResizeOplog.size' value must be >= 990.0, actual value '"
              + (double) sizeMB
              + "'");
    }
    host(host).oplogMaxBytes = sizeMB * MB;
  }

  @Override
  public synchronized void setDefaultWriteConcern(String host, BsonDocument writeConcern) {
    FakeSet set = host(host).set;
    if (set == null || !host.equals(set.primary)) {
      throw error(host, NOT_WRITABLE_PRIMARY, "NotWritablePrimary", "not primary");
    }
    set.defaultWriteConcern = writeConcern.clone();
    set.defaultUpdatedMillis = clock.millis();
    wrote(set);
  }

  /** Nothing to let go: a host costs a few objects, and a deleted set's hosts are not reused. */
  @Override
  public void retain(String owner, Set<String> hosts) {}

  @Override
  public void close() {}

  /** The state of {@code host}: PRIMARY, SECONDARY, ARBITER, or REMOVED; -1 without a config. */
  synchronized int state(String host) {
    Host h = hosts.get(host);
    return h == null || h.set == null ? -1 : stateOf(h.set, host);
  }

  // ---- the simulation ----

  private Host host(String host) {
    return hosts.computeIfAbsent(host, n -> new Host(clock.millis()));
  }

  private FakeSet initiated(String host, Host h) {
    if (h.set == null) {
      throw error(
          host, NOT_YET_INITIALIZED, "NotYetInitialized", "no replset config has been received");
    }
    return h.set;
  }

  private static int stateOf(FakeSet set, String host) {
    Optional<BsonDocument> m = member(set.config, host);
    if (m.isEmpty()) {
      return STATE_REMOVED;
    }
    if (bool(m.get(), "arbiterOnly")) {
      return STATE_ARBITER;
    }
    return host.equals(set.primary) ? STATE_PRIMARY : STATE_SECONDARY;
  }

  private static String stateStr(int state) {
    return switch (state) {
      case STATE_PRIMARY -> "PRIMARY";
      case STATE_SECONDARY -> "SECONDARY";
      case STATE_ARBITER -> "ARBITER";
      default -> "REMOVED";
    };
  }

  /**
   * A new primary other than {@code leaving} (null at initiate): the electable member with the
   * highest priority, the first on a tie. A new term, which the config takes.
   */
  private void elect(FakeSet set, String leaving) {
    Optional<String> next = best(set, leaving);
    if (leaving != null) {
      set.term++;
    }
    set.primary = next.orElse(null);
    set.electionSeconds = clock.instant().getEpochSecond();
    wrote(set);
  }

  private static Optional<String> best(FakeSet set, String excluded) {
    BsonDocument best = null;
    for (BsonDocument m : members(set.config)) {
      if (!electable(m) || m.getString("host").getValue().equals(excluded)) {
        continue;
      }
      if (best == null || priority(m) > priority(best)) {
        best = m;
      }
    }
    return Optional.ofNullable(best).map(m -> m.getString("host").getValue());
  }

  private static boolean electable(BsonDocument m) {
    return !bool(m, "arbiterOnly")
        && priority(m) > 0
        && ConfigDocuments.longOf(m, "votes", 1) > 0
        && !bool(m, "hidden")
        && ConfigDocuments.longOf(m, "secondaryDelaySecs", 0) == 0;
  }

  private static Set<String> voters(BsonDocument config) {
    Set<String> voters = new LinkedHashSet<>();
    for (BsonDocument m : members(config)) {
      if (ConfigDocuments.longOf(m, "votes", 1) > 0) {
        voters.add(m.getString("host").getValue());
      }
    }
    return voters;
  }

  private static BsonDocument opTime(FakeSet set) {
    return new BsonDocument("ts", new BsonTimestamp((int) set.optimeSeconds, 1))
        .append("t", new BsonInt64(set.term));
  }

  /** A write on the primary, replicated to every member at once. */
  private void wrote(FakeSet set) {
    set.optimeSeconds = Math.max(set.optimeSeconds, clock.instant().getEpochSecond());
  }

  private static int idOf(FakeSet set, String host) {
    return member(set.config, host).map(m -> (int) ConfigDocuments.longOf(m, "_id", -1)).orElse(-1);
  }

  /**
   * {@code given} as the node stores and shows it: every member field and setting filled in, the
   * set's term, the replicaSetId of {@code set} (none before initiate), no {@code newlyAdded}.
   */
  private static BsonDocument normalize(BsonDocument given, FakeSet set) {
    BsonArray members = new BsonArray();
    for (BsonValue v : given.getArray("members", new BsonArray())) {
      BsonDocument m = v.asDocument();
      boolean arbiter = bool(m, "arbiterOnly");
      members.add(
          new BsonDocument("_id", new BsonInt32((int) ConfigDocuments.longOf(m, "_id", 0)))
              .append("host", new BsonString(m.getString("host").getValue()))
              .append("arbiterOnly", BsonBoolean.valueOf(arbiter))
              .append(
                  "buildIndexes",
                  BsonBoolean.valueOf(ConfigDocuments.boolOf(m, "buildIndexes", true)))
              .append("hidden", BsonBoolean.valueOf(bool(m, "hidden")))
              .append(
                  "priority",
                  new BsonDouble(
                      m.containsKey("priority")
                          ? m.get("priority").asNumber().doubleValue()
                          : arbiter ? 0 : 1))
              .append("tags", m.getDocument("tags", new BsonDocument()).clone())
              .append(
                  "secondaryDelaySecs",
                  new BsonInt64(ConfigDocuments.longOf(m, "secondaryDelaySecs", 0)))
              .append("votes", new BsonInt32((int) ConfigDocuments.longOf(m, "votes", 1))));
    }
    BsonDocument s = given.getDocument("settings", new BsonDocument());
    BsonDocument settings =
        new BsonDocument(
                "chainingAllowed",
                BsonBoolean.valueOf(ConfigDocuments.boolOf(s, "chainingAllowed", true)))
            .append("heartbeatIntervalMillis", int32(s, "heartbeatIntervalMillis", 2000))
            .append("heartbeatTimeoutSecs", int32(s, "heartbeatTimeoutSecs", 10))
            .append("electionTimeoutMillis", int32(s, "electionTimeoutMillis", 10_000))
            .append("catchUpTimeoutMillis", int32(s, "catchUpTimeoutMillis", -1))
            .append("catchUpTakeoverDelayMillis", int32(s, "catchUpTakeoverDelayMillis", 30_000))
            .append(
                "getLastErrorModes", s.getDocument("getLastErrorModes", new BsonDocument()).clone())
            .append(
                "getLastErrorDefaults",
                new BsonDocument("w", new BsonInt32(1)).append("wtimeout", new BsonInt32(0)));
    if (set != null) {
      settings.append("replicaSetId", new BsonObjectId(set.replicaSetId));
    }
    return new BsonDocument("_id", new BsonString(given.getString("_id").getValue()))
        .append("version", new BsonInt32((int) ConfigDocuments.longOf(given, "version", 1)))
        .append("term", new BsonInt64(set == null ? 1 : set.term))
        .append("members", members)
        .append("protocolVersion", new BsonInt64(1))
        .append(
            "writeConcernMajorityJournalDefault",
            BsonBoolean.valueOf(
                ConfigDocuments.boolOf(given, "writeConcernMajorityJournalDefault", true)))
        .append("settings", settings);
  }

  private static BsonInt32 int32(BsonDocument d, String field, long fallback) {
    return new BsonInt32((int) ConfigDocuments.longOf(d, field, fallback));
  }

  private static List<BsonDocument> members(BsonDocument config) {
    List<BsonDocument> members = new ArrayList<>();
    config.getArray("members", new BsonArray()).forEach(v -> members.add(v.asDocument()));
    return members;
  }

  private static Optional<BsonDocument> member(BsonDocument config, String host) {
    return members(config).stream()
        .filter(m -> m.getString("host").getValue().equals(host))
        .findFirst();
  }

  private static int version(BsonDocument config) {
    return (int) ConfigDocuments.longOf(config, "version", 0);
  }

  private static double priority(BsonDocument m) {
    BsonValue p = m.get("priority");
    return p != null && p.isNumber() ? p.asNumber().doubleValue() : 1;
  }

  private static boolean bool(BsonDocument d, String field) {
    return ConfigDocuments.boolOf(d, field, false);
  }

  private static MongoCommandException incompatible(String host, String message) {
    return error(host, NEW_CONFIG_INCOMPATIBLE, "NewReplicaSetConfigurationIncompatible", message);
  }

  private static MongoCommandException error(
      String host, int code, String codeName, String message) {
    return new MongoCommandException(
        new BsonDocument("ok", new BsonDouble(0))
            .append("errmsg", new BsonString(message))
            .append("code", new BsonInt32(code))
            .append("codeName", new BsonString(codeName)),
        address(host));
  }

  private static ServerAddress address(String host) {
    try {
      return new ServerAddress(host);
    } catch (RuntimeException e) {
      return new ServerAddress();
    }
  }
}
