package dev.starling.node.repl.core;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The pure decision core of PV1 replication for one node, after MongoDB's TopologyCoordinator. It
 * owns the term, the last vote, the member view built from heartbeats, the election state, the
 * commit point and the sync source choice. It does no I/O and reads no clock: every method takes
 * {@code now} (millis on any monotonic clock) and returns what the caller must persist, send or
 * schedule.
 *
 * <p>Driving it from an event loop: after every event call the matching {@code process...} method,
 * persist any returned {@link DurableState} before sending anything that followed from it, then
 * call {@link #tick} and schedule the next call at {@link #nextWakeupAtMillis}.
 */
public final class TopologyCoordinator {
  /** MongoDB's randomizedElectionTimeoutOffsetLimit: up to 15% is added to the timeout. */
  public static final double ELECTION_TIMEOUT_OFFSET_LIMIT = 0.15;

  /** Where this node stands in the election protocol. */
  public enum Role {
    FOLLOWER,
    CANDIDATE,
    LEADER
  }

  private static final class MemberData {
    final int id;
    int health = -1;
    MemberState state = MemberState.UNKNOWN;
    long term = -1;
    OpTime applied = OpTime.NULL;
    OpTime durable = OpTime.NULL;
    long lastHeartbeat;
    long lastHeartbeatRecv;
    long lastUpdate;
    long ping;
    int syncSourceId = -1;
    int configVersion = -1;
    long configTerm = -1;

    MemberData(int id) {
      this.id = id;
    }
  }

  private static final class Election {
    final StartElectionReason reason;
    boolean dryRun;
    long term;
    long deadline;
    final Set<Integer> granted = new HashSet<>();
    final Set<Integer> responded = new HashSet<>();

    Election(StartElectionReason reason) {
      this.reason = reason;
    }
  }

  private String selfHost;
  private final RandomGenerator random;

  private ReplSetConfig config;
  private int selfId = -1;
  private long term;
  private LastVote lastVote = LastVote.NONE;
  private boolean durableDirty;

  private Role role = Role.FOLLOWER;
  private MemberState state = MemberState.STARTUP;
  private OpTime myApplied = OpTime.NULL;
  private OpTime myDurable = OpTime.NULL;
  private OpTime commitPoint = OpTime.NULL;
  private final Map<Integer, MemberData> members = new HashMap<>();
  private final Map<Integer, Long> syncSourceDenylist = new HashMap<>();
  private int primaryId = -1;
  private int syncSourceId = -1;
  private int requestedSyncSourceId = -1;
  private long electionTimeoutAt = Long.MAX_VALUE;
  private long priorityTakeoverAt = Long.MAX_VALUE;
  private long catchUpTakeoverAt = Long.MAX_VALUE;
  private PrimaryCatchUp catchUp;
  private long stepDownUntil;
  private long electionTimeMillis;
  private Election election;

  public TopologyCoordinator(String selfHost, RandomGenerator random) {
    this.selfHost = ReplSetConfig.normalizeHost(selfHost);
    this.random = random;
  }

  // ---------------------------------------------------------------- startup and config

  /** Restores what survived a restart: term, last vote and the oplog's last OpTimes. */
  public void restore(DurableState durable, OpTime lastApplied, OpTime lastDurable) {
    this.term = durable.term();
    this.lastVote = durable.lastVote();
    this.myApplied = lastApplied;
    this.myDurable = lastDurable;
  }

  /**
   * Installs a config (after replSetInitiate, replSetReconfig, a newer config seen in a heartbeat,
   * or at startup). Returns StepDownSelf when a primary is removed or made unelectable.
   */
  public Action installConfig(long now, ReplSetConfig newConfig) {
    return installConfig(now, newConfig, null);
  }

  /**
   * As {@link #installConfig(long, ReplSetConfig)}, naming this node by {@code selfHostInConfig}
   * (the config's host that the caller found to be this node) when not null: a member removed and
   * later added again may be named differently from the name it last had (a pod's DNS name after
   * its restart, say), and must then leave REMOVED.
   */
  public Action installConfig(long now, ReplSetConfig newConfig, String selfHostInConfig) {
    if (selfHostInConfig != null) {
      this.selfHost = ReplSetConfig.normalizeHost(selfHostInConfig);
    }
    this.config = newConfig;
    this.selfId = newConfig.findMemberByHost(selfHost).map(MemberConfig::id).orElse(-1);
    Map<Integer, MemberData> old = new HashMap<>(members);
    members.clear();
    for (MemberConfig m : newConfig.members()) {
      if (m.id() != selfId) {
        MemberData d = old.getOrDefault(m.id(), new MemberData(m.id()));
        if (d.lastUpdate == 0) {
          d.lastUpdate = now;
        }
        members.put(m.id(), d);
      }
    }
    if (selfId < 0) {
      boolean wasLeader = role == Role.LEADER;
      becomeFollower(now);
      state = MemberState.REMOVED;
      electionTimeoutAt = Long.MAX_VALUE;
      return wasLeader ? new Action.StepDownSelf("removed from config") : Action.NONE;
    }
    MemberConfig self = selfConfig();
    if (self.arbiterOnly()) {
      state = MemberState.ARBITER;
    } else if (state == MemberState.STARTUP
        || state == MemberState.REMOVED
        || state == MemberState.STARTUP2
        || state == MemberState.ARBITER) {
      state = role == Role.LEADER ? MemberState.PRIMARY : MemberState.SECONDARY;
    }
    if (role == Role.LEADER && !self.isElectable()) {
      becomeFollower(now);
      return new Action.StepDownSelf("no longer electable in the new config");
    }
    if (role == Role.FOLLOWER) {
      scheduleElectionTimeout(now);
      if (isSingleElectableVoter()) {
        electionTimeoutAt = now;
      }
    }
    if (role == Role.LEADER) {
      resetMemberTimeouts(now);
      advanceCommitPointAsPrimary();
    }
    return Action.NONE;
  }

  // ---------------------------------------------------------------- accessors

  public ReplSetConfig config() {
    return config;
  }

  public int selfId() {
    return selfId;
  }

  public long term() {
    return term;
  }

  public LastVote lastVote() {
    return lastVote;
  }

  public DurableState durableState() {
    return new DurableState(term, lastVote);
  }

  public Role role() {
    return role;
  }

  public MemberState memberState() {
    return state;
  }

  /** The member this node believes is primary in its term, or -1. */
  public int primaryId() {
    return role == Role.LEADER ? selfId : primaryId;
  }

  /** Primary and done catching up: takes writes. */
  public boolean isWritablePrimary() {
    return role == Role.LEADER && catchUp == null;
  }

  /**
   * Elected, but still catching up to the newest entry a majority of members report (see {@link
   * PrimaryCatchUp}): keeps fetching like a secondary and takes no writes yet.
   */
  public boolean isCatchingUp() {
    return role == Role.LEADER && catchUp != null;
  }

  /**
   * Ends the catch-up phase now (replSetAbortPrimaryCatchUp, or the fetcher found the fresher
   * member's oplog diverged from ours). Returns false when this node was not catching up.
   */
  public boolean abortCatchUp() {
    if (!isCatchingUp()) {
      return false;
    }
    catchUp = null;
    return true;
  }

  public OpTime commitPoint() {
    return commitPoint;
  }

  public OpTime myLastApplied() {
    return myApplied;
  }

  public OpTime myLastDurable() {
    return myDurable;
  }

  public int syncSourceId() {
    return syncSourceId;
  }

  /** The node will not stand for election before this time (replSetFreeze, replSetStepDown). */
  public long frozenUntilMillis() {
    return stepDownUntil;
  }

  public long electionTimeoutAtMillis() {
    return electionTimeoutAt;
  }

  public long priorityTakeoverAtMillis() {
    return priorityTakeoverAt;
  }

  public long catchUpTakeoverAtMillis() {
    return catchUpTakeoverAt;
  }

  // ---------------------------------------------------------------- timers

  /**
   * Runs the timers: marks silent members DOWN, checks a primary's liveness (it steps down when it
   * has not heard from a majority of voters within the election timeout), abandons an election that
   * timed out, and starts an election on election timeout or a due priority takeover.
   */
  public Action tick(long now) {
    if (config == null || selfId < 0) {
      return Action.NONE;
    }
    for (MemberData d : members.values()) {
      if (d.health != 0 && now - d.lastUpdate >= config.heartbeatTimeoutMillis()) {
        markDown(d);
      }
    }
    switch (role) {
      case LEADER -> {
        if (!majoritySeemsUp(now)) {
          becomeFollower(now);
          return new Action.StepDownSelf(
              "could not see a majority of voting members within the election timeout");
        }
        checkCatchUp(now);
        return Action.NONE;
      }
      case CANDIDATE -> {
        if (now >= election.deadline) {
          election = null;
          role = Role.FOLLOWER;
          scheduleElectionTimeout(now);
        }
        return Action.NONE;
      }
      default -> {}
    }
    if (now >= priorityTakeoverAt) {
      priorityTakeoverAt = Long.MAX_VALUE;
      if (canElect(now) && priorityTakeoverStillWanted()) {
        return startElection(now, StartElectionReason.PRIORITY_TAKEOVER);
      }
    }
    if (now >= catchUpTakeoverAt) {
      catchUpTakeoverAt = Long.MAX_VALUE;
      if (catchUpTakeoverWanted(now)) {
        return startElection(now, StartElectionReason.CATCHUP_TAKEOVER);
      }
    }
    if (now >= electionTimeoutAt) {
      if (canElect(now)) {
        return startElection(
            now,
            isSingleElectableVoter()
                ? StartElectionReason.SINGLE_NODE_PROMPT_ELECTION
                : StartElectionReason.ELECTION_TIMEOUT);
      }
      scheduleElectionTimeout(now);
      if (stepDownUntil > now && electionTimeoutAt < stepDownUntil && isElectableMember()) {
        electionTimeoutAt = stepDownUntil;
      }
    }
    return Action.NONE;
  }

  /** The earliest future time at which {@link #tick} may have something to do. */
  public long nextWakeupAtMillis(long now) {
    long t = Long.MAX_VALUE;
    t = earliestAfter(now, t, electionTimeoutAt);
    t = earliestAfter(now, t, priorityTakeoverAt);
    t = earliestAfter(now, t, catchUpTakeoverAt);
    if (catchUp != null) {
      t = earliestAfter(now, t, catchUp.deadline());
      t = earliestAfter(now, t, catchUpAnswersDueAt());
    }
    if (election != null) {
      t = earliestAfter(now, t, election.deadline);
    }
    if (config != null) {
      for (MemberData d : members.values()) {
        if (d.health != 0) {
          t = earliestAfter(now, t, d.lastUpdate + config.heartbeatTimeoutMillis());
        }
        if (role == Role.LEADER) {
          t = earliestAfter(now, t, d.lastUpdate + config.electionTimeoutMillis());
        }
      }
    }
    return t;
  }

  private static long earliestAfter(long now, long best, long candidate) {
    return candidate > now && candidate < best ? candidate : best;
  }

  // ---------------------------------------------------------------- heartbeats

  public HeartbeatRequest prepareHeartbeatRequest(long now, int targetId) {
    return new HeartbeatRequest(
        config.name(), selfId, term, config.version(), config.term(), role == Role.LEADER);
  }

  /**
   * Whether to heartbeat the sender of {@code request} at once instead of at our next turn: it is
   * in a newer term, or says it is primary while we don't know it as primary. Either way it has
   * most likely just been elected, and until we hear its state we neither sync from it nor count
   * for its majority.
   */
  public boolean shouldHeartbeatSenderNow(HeartbeatRequest request) {
    if (config == null || request.senderId() < 0 || request.senderId() == selfId) {
      return false;
    }
    return request.term() > term
        || (request.senderPrimary() && request.term() == term && primaryId() != request.senderId());
  }

  /**
   * Processes an incoming heartbeat request before replying with {@link #prepareHeartbeatResponse}:
   * notes when the sender was last heard from and adopts a higher term.
   */
  public UpdateResult processHeartbeatRequest(long now, HeartbeatRequest request) {
    boolean dirtyBefore = durableDirty;
    MemberData d = members.get(request.senderId());
    if (d != null) {
      d.lastHeartbeatRecv = now;
      // Hearing from a member proves it is alive, as its heartbeat replies do.
      d.lastUpdate = now;
      // The sender's config, as it says: how a primary learns that members installed its config.
      d.configVersion = request.configVersion();
      d.configTerm = request.configTerm();
    }
    Action action = Action.NONE;
    if (config != null && request.setName().equals(config.name()) && request.term() > term) {
      action = updateTerm(now, request.term(), "higher term in a heartbeat request");
    }
    return new UpdateResult(takePersist(dirtyBefore), action, false);
  }

  public HeartbeatResponse prepareHeartbeatResponse(long now) {
    return new HeartbeatResponse(
        config == null ? "" : config.name(),
        state,
        term,
        config == null ? -2 : config.version(),
        config == null ? -1 : config.term(),
        myApplied,
        myDurable,
        commitPoint,
        primaryId(),
        syncSourceId,
        role == Role.LEADER ? electionTimeMillis : 0);
  }

  /**
   * Processes a heartbeat reply from {@code targetId}: updates the member's view, adopts a higher
   * term (a primary steps down), follows the primary's commit point, resets the election timer on
   * hearing from the primary of our term, and schedules a priority takeover when this node is
   * electable, caught up and has a higher priority than the primary.
   */
  public HeartbeatResult processHeartbeatResponse(
      long now, int targetId, HeartbeatResponse r, long pingMillis) {
    boolean dirtyBefore = durableDirty;
    MemberData d = members.get(targetId);
    long next = now + heartbeatIntervalMillis();
    if (d == null || config == null || !r.setName().equals(config.name())) {
      return new HeartbeatResult(Action.NONE, next, null);
    }
    d.lastHeartbeat = now;
    d.lastUpdate = now;
    d.health = 1;
    d.state = r.state();
    d.term = r.term();
    d.applied = r.appliedOpTime();
    d.durable = r.durableOpTime();
    d.ping = pingMillis;
    d.syncSourceId = r.syncSourceId();
    d.configVersion = r.configVersion();
    d.configTerm = r.configTerm();

    Action action = Action.NONE;
    if (r.term() > term) {
      action = updateTerm(now, r.term(), "higher term in a heartbeat response");
    }
    if (r.state() == MemberState.PRIMARY && r.term() == term && role != Role.LEADER) {
      primaryId = targetId;
      if (role == Role.FOLLOWER) {
        scheduleElectionTimeout(now);
      }
      advanceCommitPointFromOther(r.lastCommittedOpTime());
      if (role == Role.FOLLOWER
          && priorityTakeoverAt == Long.MAX_VALUE
          && canElect(now)
          && priorityTakeoverStillWanted()) {
        priorityTakeoverAt =
            now + config.priorityTakeoverDelayMillis(selfId) + randomizedElectionOffset();
        action = new Action.PriorityTakeover(priorityTakeoverAt);
      }
      if (role == Role.FOLLOWER) {
        if (!catchUpTakeoverWanted(now)) {
          catchUpTakeoverAt = Long.MAX_VALUE;
        } else if (catchUpTakeoverAt == Long.MAX_VALUE) {
          catchUpTakeoverAt = now + config.catchUpTakeoverDelayMillis();
          action = new Action.CatchupTakeover(catchUpTakeoverAt);
        }
      }
    } else if (primaryId == targetId && r.state() != MemberState.PRIMARY) {
      primaryId = -1;
      catchUpTakeoverAt = Long.MAX_VALUE;
    }
    if (role == Role.LEADER) {
      if (catchUp != null && now - pingMillis >= catchUp.startedAt()) {
        catchUp.heard(targetId, r.appliedOpTime());
        checkCatchUp(now);
      }
      advanceCommitPointAsPrimary();
      if (action == Action.NONE && newlyAddedReady(targetId)) {
        action = new Action.ClearNewlyAdded(targetId);
      }
    }
    return new HeartbeatResult(action, next, takePersist(dirtyBefore));
  }

  /** A heartbeat to {@code targetId} failed or timed out. */
  public HeartbeatResult processHeartbeatFailure(long now, int targetId) {
    return processHeartbeatFailure(now, targetId, false);
  }

  /**
   * A heartbeat to {@code targetId} failed. With {@code refused} its host actively refused the
   * connection: the process is gone, not just slow, so the member is DOWN at once; if it was the
   * primary, an electable follower stands for election after a short random delay instead of the
   * whole election timeout. The election itself is unchanged (dry run, then votes), so this only
   * makes a dead primary's replacement faster, never less safe.
   */
  public HeartbeatResult processHeartbeatFailure(long now, int targetId, boolean refused) {
    MemberData d = members.get(targetId);
    long next = now + heartbeatIntervalMillis();
    Action action = Action.NONE;
    if (d != null) {
      d.lastHeartbeat = now;
      if (catchUp != null && role == Role.LEADER) {
        catchUp.lost(targetId);
      }
      boolean wasPrimary = primaryId == targetId;
      if (refused || now - d.lastUpdate >= config.heartbeatTimeoutMillis()) {
        markDown(d);
      }
      if (refused && wasPrimary && role == Role.FOLLOWER && canElect(now)) {
        long prompt =
            now
                + promptElectionRank() * PROMPT_ELECTION_RANK_MILLIS
                + random.nextLong(PROMPT_ELECTION_SPREAD_MILLIS + 1);
        if (prompt < electionTimeoutAt) {
          electionTimeoutAt = prompt;
        }
      }
      checkCatchUpTarget();
    }
    return new HeartbeatResult(action, next, null);
  }

  /**
   * The interval between heartbeats to one member: the config's, but at most half the election
   * timeout, so a primary with a short election timeout hears from a healthy majority well within
   * it and never steps down for silence between heartbeats.
   */
  public long heartbeatIntervalMillis() {
    if (config == null) {
      return 2000;
    }
    return Math.max(
        1, Math.min(config.heartbeatIntervalMillis(), config.electionTimeoutMillis() / 2));
  }

  /** The random spread of prompt elections after a dead primary. */
  public static final long PROMPT_ELECTION_SPREAD_MILLIS = 50;

  /**
   * How much later each rank stands after a dead primary: the freshest electable secondary (ties:
   * the lowest _id) goes first, so two secondaries that both saw the primary die rarely split the
   * vote.
   */
  public static final long PROMPT_ELECTION_RANK_MILLIS = 150;

  /**
   * This node's place among the healthy electable secondaries, freshest (then lowest _id) first.
   */
  private int promptElectionRank() {
    int rank = 0;
    for (MemberConfig m : config.members()) {
      MemberData d = members.get(m.id());
      if (m.id() == selfId || d == null || d.health != 1 || !m.isElectable()) {
        continue;
      }
      if (d.state != MemberState.SECONDARY) {
        continue;
      }
      int c = d.applied.compareTo(myApplied);
      if (c > 0 || (c == 0 && m.id() < selfId)) {
        rank++;
      }
    }
    return rank;
  }

  /**
   * Whether a primary should clear {@code memberId}'s newlyAdded mark now: the member is marked,
   * reports SECONDARY (it finished initial sync and caught up), and the current config is committed
   * (the clearing is a reconfig like any other).
   */
  private boolean newlyAddedReady(int memberId) {
    MemberData d = members.get(memberId);
    return d != null
        && d.health == 1
        && d.state == MemberState.SECONDARY
        && config.findMemberById(memberId).map(MemberConfig::newlyAdded).orElse(false)
        && isConfigCommitted();
  }

  /**
   * Whether {@code memberId} has installed this node's config (same version and term), as its last
   * heartbeat (request or reply) said. This node always has.
   */
  public boolean hasCurrentConfig(int memberId) {
    if (memberId == selfId) {
      return true;
    }
    MemberData d = members.get(memberId);
    return d != null && d.configVersion == config.version() && d.configTerm == config.term();
  }

  /**
   * mongod's config commitment: a majority of the config's voters (newlyAdded members excluded,
   * arbiters included) have installed it. A primary's replSetReconfig returns once this holds for
   * the new config, and refuses to start (308) until it holds for the current one.
   */
  public boolean isConfigReplicatedToMajority() {
    if (config == null) {
      return false;
    }
    int have = 0;
    for (MemberConfig m : config.members()) {
      if (m.isVoter() && hasCurrentConfig(m.id())) {
        have++;
      }
    }
    return have >= config.majorityVoteCount();
  }

  /**
   * The oplog commitment a primary needs before a reconfig: an entry of its own term is majority
   * committed, so every entry committed under earlier configs is committed under this one.
   */
  public boolean isOplogCommittedInTerm() {
    return role == Role.LEADER && commitPoint.term() == term;
  }

  /** Both commitments: the current config may be replaced by a safe (non-force) reconfig. */
  public boolean isConfigCommitted() {
    return isConfigReplicatedToMajority() && isOplogCommittedInTerm();
  }

  /**
   * How many data-bearing members (this node included) have {@code opTime}: applied, or durable
   * when {@code durable}. For {@code w: N} write concerns.
   */
  public int membersAt(OpTime opTime, boolean durable) {
    return membersHaving(opTime, durable).size();
  }

  /**
   * Whether the data-bearing members that have {@code opTime} (applied, or durable when {@code
   * durable}) satisfy the custom write concern {@code mode} (tag counts of getLastErrorModes).
   */
  public boolean modeSatisfied(OpTime opTime, boolean durable, WriteConcernMode mode) {
    return mode.isSatisfiedBy(membersHaving(opTime, durable));
  }

  private List<MemberConfig> membersHaving(OpTime opTime, boolean durable) {
    List<MemberConfig> out = new ArrayList<>();
    if (config == null) {
      return out;
    }
    for (MemberConfig m : config.members()) {
      if (!m.isDataBearing()) {
        continue;
      }
      OpTime at;
      if (m.id() == selfId) {
        at = durable ? myDurable : myApplied;
      } else {
        MemberData d = members.get(m.id());
        at = d == null ? OpTime.NULL : durable ? d.durable : d.applied;
      }
      if (!at.isBefore(opTime)) {
        out.add(m);
      }
    }
    return out;
  }

  private void markDown(MemberData d) {
    d.health = 0;
    d.state = MemberState.DOWN;
    if (primaryId == d.id) {
      primaryId = -1;
      catchUpTakeoverAt = Long.MAX_VALUE;
    }
    if (catchUp != null) {
      catchUp.lost(d.id);
    }
  }

  // ---------------------------------------------------------------- positions and commit point

  /**
   * Records this node's own last applied and durable OpTimes (after a write, an applied batch, or a
   * rollback, when they may go back). A primary recomputes the commit point; returns whether it
   * advanced.
   */
  public boolean setMyLastOpTimes(OpTime applied, OpTime durable) {
    myApplied = applied;
    myDurable = durable;
    if (role != Role.LEADER) {
      return false;
    }
    if (catchUp != null) {
      // An applied batch may have reached the target; checked again by tick and heartbeats.
      checkCatchUpTarget();
    }
    return advanceCommitPointAsPrimary();
  }

  /**
   * A member's position as replSetUpdatePosition (or an oplog fetch) reports it, with the member's
   * term when it sent it. A report from a higher term makes a primary step down and is not used:
   * counting it could commit an entry the newer primary does not have.
   */
  public UpdateResult processPositionReport(
      long now, int memberId, long memberTerm, OpTime applied, OpTime durable) {
    boolean dirtyBefore = durableDirty;
    MemberData d = members.get(memberId);
    if (d == null) {
      return new UpdateResult(null, Action.NONE, false);
    }
    if (memberTerm > term) {
      Action a = updateTerm(now, memberTerm, "higher term in a position report");
      return new UpdateResult(takePersist(dirtyBefore), a, false);
    }
    // Positions only move forward here: a report relayed through another member may be older than
    // one the member sent itself. (A member that rolled back reports entries of an older term,
    // which compare below every entry of the current term, so keeping its old maximum cannot
    // commit anything it lacks.) Only a report that moves the member forward proves it alive: a
    // member keeps relaying the last position a now-dead downstream member sent it.
    if (applied.isAfter(d.applied) || durable.isAfter(d.durable)) {
      d.lastUpdate = now;
    }
    d.applied = OpTime.max(d.applied, applied);
    d.durable = OpTime.max(d.durable, durable);
    boolean advanced = role == Role.LEADER && advanceCommitPointAsPrimary();
    return new UpdateResult(takePersist(dirtyBefore), Action.NONE, advanced);
  }

  /**
   * Metadata from the sync source's reply to an oplog fetch: adopts a higher term, resets the
   * election timer when the source is the primary of our term, and follows its commit point. Call
   * it after applying the batch the reply carried.
   */
  public UpdateResult processSyncSourceMetadata(long now, int sourceId, SyncSourceMetadata md) {
    boolean dirtyBefore = durableDirty;
    Action action = Action.NONE;
    if (md.term() > term) {
      action = updateTerm(now, md.term(), "higher term from the sync source");
    }
    MemberData d = members.get(sourceId);
    if (d != null) {
      // The source holds everything we fetched from it: the first entry of a fetch must match our
      // last one. Its reported lastApplied can be older than the batch it sent (the entries are
      // readable a moment before the source's own position moves), and taking that at face value
      // made the source look behind us, so we dropped it and had no source until a heartbeat.
      OpTime has = md.lastAppliedOpTime();
      if (sourceId == syncSourceId) {
        has = OpTime.max(has, myApplied);
      }
      if (has.isAfter(d.applied)) {
        d.applied = has;
      }
    }
    if (md.state() == MemberState.PRIMARY && md.term() == term && role == Role.FOLLOWER) {
      primaryId = sourceId;
      scheduleElectionTimeout(now);
    }
    boolean advanced = advanceCommitPointFromOther(md.lastCommittedOpTime());
    return new UpdateResult(takePersist(dirtyBefore), action, advanced);
  }

  /**
   * PV1's commit rule on a primary: the newest OpTime that a write majority of voting data-bearing
   * members have durably written, and only if it is from the current term (an entry of an earlier
   * term becomes committed only under one of the current term).
   */
  private boolean advanceCommitPointAsPrimary() {
    List<OpTime> durables = new ArrayList<>();
    for (MemberConfig m : config.members()) {
      if (!m.isVoter() || !m.isDataBearing()) {
        continue;
      }
      if (m.id() == selfId) {
        durables.add(config.writeConcernMajorityJournalDefault() ? myDurable : myApplied);
      } else {
        MemberData d = members.get(m.id());
        durables.add(config.writeConcernMajorityJournalDefault() ? d.durable : d.applied);
      }
    }
    int need = config.writeMajority();
    if (durables.size() < need || need == 0) {
      return false;
    }
    durables.sort(java.util.Comparator.reverseOrder());
    OpTime candidate = durables.get(need - 1);
    if (candidate.term() == term && candidate.isAfter(commitPoint)) {
      commitPoint = candidate;
      return true;
    }
    return false;
  }

  /**
   * A non-primary learns the commit point from the primary or its sync source. It only adopts an
   * OpTime it has: the lesser of the learned point and its own last applied, and only when its last
   * applied is from the commit point's term or later (then its log holds that prefix).
   */
  private boolean advanceCommitPointFromOther(OpTime learned) {
    if (role == Role.LEADER || learned == null || learned.isNull()) {
      return false;
    }
    if (myApplied.term() < learned.term()) {
      return false;
    }
    OpTime c = OpTime.min(learned, myApplied);
    if (c.isAfter(commitPoint)) {
      commitPoint = c;
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- elections

  /**
   * replSetStepUp: stand for election now, skipping the dry run. Throws 83 NodeNotElectable when
   * this node may not run.
   */
  public Action stepUp(long now) {
    if (role == Role.LEADER) {
      return Action.NONE;
    }
    if (!canElect(now)) {
      throw new MongoServerException(
          ErrorCode.NODE_NOT_ELECTABLE, "Node is not electable: state " + state.stateStr());
    }
    return startElection(now, StartElectionReason.STEP_UP_REQUEST);
  }

  private Action startElection(long now, StartElectionReason reason) {
    boolean dirtyBefore = durableDirty;
    election = new Election(reason);
    role = Role.CANDIDATE;
    electionTimeoutAt = Long.MAX_VALUE;
    priorityTakeoverAt = Long.MAX_VALUE;
    catchUpTakeoverAt = Long.MAX_VALUE;
    ElectionStep step;
    if (reason == StartElectionReason.STEP_UP_REQUEST) {
      step = startRealElection(now, dirtyBefore);
    } else {
      election.dryRun = true;
      election.term = term;
      election.deadline = now + config.electionTimeoutMillis();
      election.granted.add(selfId);
      step =
          election.granted.size() >= config.majorityVoteCount()
              ? startRealElection(now, dirtyBefore)
              : sendRequests(dirtyBefore);
    }
    return new Action.StartElection(reason, step);
  }

  private ElectionStep startRealElection(long now, boolean dirtyBefore) {
    election.dryRun = false;
    term++;
    lastVote = new LastVote(term, selfId);
    durableDirty = true;
    election.term = term;
    election.deadline = now + config.electionTimeoutMillis();
    election.granted.clear();
    election.responded.clear();
    election.granted.add(selfId);
    primaryId = -1;
    if (election.granted.size() >= config.majorityVoteCount()) {
      return win(now, dirtyBefore);
    }
    return sendRequests(dirtyBefore);
  }

  private ElectionStep sendRequests(boolean dirtyBefore) {
    List<Integer> targets = new ArrayList<>();
    for (MemberConfig m : config.members()) {
      if (m.isVoter() && m.id() != selfId) {
        targets.add(m.id());
      }
    }
    VoteRequest req =
        new VoteRequest(
            config.name(),
            election.dryRun,
            election.term,
            selfId,
            config.version(),
            config.term(),
            myApplied);
    return new ElectionStep(
        ElectionStep.Outcome.SEND_REQUESTS,
        election.term,
        election.dryRun,
        req,
        List.copyOf(targets),
        takePersist(dirtyBefore),
        null);
  }

  private ElectionStep win(long now, boolean dirtyBefore) {
    long t = election.term;
    election = null;
    role = Role.LEADER;
    state = MemberState.PRIMARY;
    primaryId = selfId;
    syncSourceId = -1;
    electionTimeMillis = now;
    electionTimeoutAt = Long.MAX_VALUE;
    priorityTakeoverAt = Long.MAX_VALUE;
    catchUpTakeoverAt = Long.MAX_VALUE;
    catchUp = needsCatchUp() ? new PrimaryCatchUp(now, config.catchUpTimeoutMillis()) : null;
    if (catchUp != null) {
      // A member already DOWN, or silent for longer than one and a half heartbeat intervals (the
      // paused old primary we just replaced), is not waited for; if it answers later, it counts.
      for (MemberData d : members.values()) {
        if (d.health == 0 || now - d.lastUpdate > heartbeatIntervalMillis() * 3 / 2) {
          catchUp.lost(d.id);
        }
      }
      checkCatchUpTarget();
    }
    resetMemberTimeouts(now);
    advanceCommitPointAsPrimary();
    return ElectionStep.of(ElectionStep.Outcome.WON, t, takePersist(dirtyBefore), null);
  }

  /**
   * Counts a vote reply. A dry run that reaches a majority starts the real election (increment
   * term, vote for self); a real one that does makes this node primary.
   */
  public ElectionStep processVoteResponse(long now, int voterId, VoteResponse r) {
    boolean dirtyBefore = durableDirty;
    if (role != Role.CANDIDATE || election == null) {
      if (r.term() > term) {
        Action a = updateTerm(now, r.term(), "higher term in a vote response");
        return ElectionStep.of(
            ElectionStep.Outcome.IGNORED, term, takePersist(dirtyBefore), a.toString());
      }
      return ElectionStep.of(ElectionStep.Outcome.IGNORED, term, null, "no election running");
    }
    if (r.term() > term) {
      updateTerm(now, r.term(), "higher term in a vote response");
      return ElectionStep.of(
          ElectionStep.Outcome.LOST, term, takePersist(dirtyBefore), "saw a higher term");
    }
    MemberConfig voter = config.findMemberById(voterId).orElse(null);
    // A dry-run voter keeps its own (possibly lower) term; a real voter has adopted ours.
    boolean sameRound = election.dryRun || r.term() == election.term;
    if (voter == null || !voter.isVoter() || voterId == selfId || !sameRound) {
      return ElectionStep.of(ElectionStep.Outcome.IGNORED, term, null, "not a vote of this round");
    }
    if (!election.responded.add(voterId)) {
      return ElectionStep.of(ElectionStep.Outcome.IGNORED, term, null, "already counted");
    }
    if (r.voteGranted()) {
      election.granted.add(voterId);
    }
    if (election.granted.size() >= config.majorityVoteCount()) {
      return election.dryRun ? startRealElection(now, dirtyBefore) : win(now, dirtyBefore);
    }
    if (election.responded.size() >= config.votingMemberCount() - 1) {
      boolean dry = election.dryRun;
      election = null;
      role = Role.FOLLOWER;
      scheduleElectionTimeout(now);
      return ElectionStep.of(
          ElectionStep.Outcome.LOST,
          term,
          takePersist(dirtyBefore),
          dry ? "lost the dry run" : "not enough votes");
    }
    return ElectionStep.of(ElectionStep.Outcome.WAITING, term, takePersist(dirtyBefore), null);
  }

  /**
   * replSetRequestVotes on the voter. A real request with a higher term is adopted first (a primary
   * steps down). The vote is granted only if the candidate's term is not lower, its config is not
   * older, the set name matches, its last applied OpTime is not behind ours, and (real elections
   * only) we have not voted in this term. A granted real vote is recorded in lastVote; persist
   * {@link VoteResult#persist()} before replying. Dry runs change nothing.
   */
  public VoteResult processVoteRequest(long now, VoteRequest req) {
    boolean dirtyBefore = durableDirty;
    Action action = Action.NONE;
    if (config == null) {
      return new VoteResult(new VoteResponse(term, false, "not yet initialized"), null, action);
    }
    if (!req.dryRun() && req.term() > term && req.setName().equals(config.name())) {
      action = updateTerm(now, req.term(), "higher term in a vote request");
    }
    String reason = null;
    if (req.term() < term) {
      reason = "candidate's term (" + req.term() + ") is lower than mine (" + term + ")";
    } else if (ReplSetConfig.compareVersionAndTerm(
            req.configVersion(), req.configTerm(), config.version(), config.term())
        < 0) {
      reason =
          "candidate's config with {version: "
              + req.configVersion()
              + ", term: "
              + req.configTerm()
              + "} is older than mine with {version: "
              + config.version()
              + ", term: "
              + config.term()
              + "}";
    } else if (!req.setName().equals(config.name())) {
      reason =
          "candidate's set name (" + req.setName() + ") differs from mine (" + config.name() + ")";
    } else if (req.lastAppliedOpTime().isBefore(myApplied)) {
      reason =
          "candidate's data is staler than mine. candidate's last applied OpTime: "
              + req.lastAppliedOpTime()
              + ", my last applied OpTime: "
              + myApplied;
    } else if (!req.dryRun() && lastVote.term() == req.term()) {
      reason =
          "already voted for another candidate ("
              + lastVote.candidateId()
              + ") this term ("
              + req.term()
              + ")";
    } else if (selfId >= 0 && selfConfig().arbiterOnly() && healthyPrimaryAtLeastAsGood(req)) {
      reason = "can see a healthy primary of equal or greater priority";
    } else if (config.findMemberById(req.candidateId()).isEmpty()) {
      reason = "candidate " + req.candidateId() + " is not in my config";
    }
    boolean granted = reason == null;
    if (granted && !req.dryRun()) {
      lastVote = new LastVote(req.term(), req.candidateId());
      durableDirty = true;
      if (role == Role.FOLLOWER) {
        scheduleElectionTimeout(now);
      }
    }
    return new VoteResult(
        new VoteResponse(term, granted, granted ? "" : reason), takePersist(dirtyBefore), action);
  }

  private boolean healthyPrimaryAtLeastAsGood(VoteRequest req) {
    if (primaryId < 0 || primaryId == req.candidateId()) {
      return false;
    }
    MemberData p = members.get(primaryId);
    double candidatePriority =
        config.findMemberById(req.candidateId()).map(MemberConfig::priority).orElse(0.0);
    double primaryPriority =
        config.findMemberById(primaryId).map(MemberConfig::priority).orElse(0.0);
    return p != null && p.health == 1 && primaryPriority >= candidatePriority;
  }

  /**
   * Adopts a higher term: a primary or candidate becomes a follower. Returns StepDownSelf when this
   * node was primary.
   */
  private Action updateTerm(long now, long newTerm, String why) {
    if (newTerm <= term) {
      return Action.NONE;
    }
    term = newTerm;
    durableDirty = true;
    primaryId = -1;
    if (role == Role.LEADER) {
      becomeFollower(now);
      return new Action.StepDownSelf(why);
    }
    if (role == Role.CANDIDATE) {
      election = null;
      role = Role.FOLLOWER;
      scheduleElectionTimeout(now);
    }
    return Action.NONE;
  }

  private void becomeFollower(long now) {
    role = Role.FOLLOWER;
    election = null;
    catchUp = null;
    if (state == MemberState.PRIMARY) {
      state = MemberState.SECONDARY;
    }
    if (primaryId == selfId) {
      primaryId = -1;
    }
    scheduleElectionTimeout(now);
  }

  private DurableState takePersist(boolean dirtyBefore) {
    if (durableDirty) {
      durableDirty = false;
      return new DurableState(term, lastVote);
    }
    return null;
  }

  private void scheduleElectionTimeout(long now) {
    if (config == null || selfId < 0 || !isElectableMember()) {
      electionTimeoutAt = Long.MAX_VALUE;
      return;
    }
    electionTimeoutAt = now + config.electionTimeoutMillis() + randomizedElectionOffset();
  }

  private long randomizedElectionOffset() {
    long bound = (long) (config.electionTimeoutMillis() * ELECTION_TIMEOUT_OFFSET_LIMIT);
    return bound <= 0 ? 0 : random.nextLong(bound + 1);
  }

  private MemberConfig selfConfig() {
    return config.findMemberById(selfId).orElseThrow();
  }

  private boolean isElectableMember() {
    return selfId >= 0 && selfConfig().isElectable();
  }

  private boolean isSingleElectableVoter() {
    return isElectableMember() && config.votingMemberCount() == 1;
  }

  /** Whether this node may stand for election now. */
  public boolean canElect(long now) {
    return config != null
        && isElectableMember()
        && role == Role.FOLLOWER
        && state == MemberState.SECONDARY
        && now >= stepDownUntil;
  }

  /** Catch up only when another member could hold entries we lack, unless the config says 0. */
  private boolean needsCatchUp() {
    if (config.catchUpTimeoutMillis() == 0) {
      return false;
    }
    return config.members().stream().anyMatch(m -> m.id() != selfId && m.isDataBearing());
  }

  /** Ends the catch-up phase when its time is up or this node has the target. */
  private void checkCatchUp(long now) {
    if (catchUp != null && now >= catchUp.deadline()) {
      catchUp = null;
      return;
    }
    if (catchUp != null && now >= catchUpAnswersDueAt()) {
      catchUp.stopWaitingFor(members.keySet());
    }
    checkCatchUpTarget();
  }

  private long catchUpAnswersDueAt() {
    return catchUp.startedAt() + 2 * heartbeatIntervalMillis();
  }

  /** Ends the phase once every other member answered (or failed) and we have their newest. */
  private void checkCatchUpTarget() {
    if (catchUp != null
        && catchUp.allAnswered(members.keySet())
        && !myApplied.isBefore(catchUp.target())) {
      catchUp = null;
    }
  }

  /**
   * A catch-up takeover: the primary of our term has not written in its term yet (it is still
   * catching up, or stuck), this node is ahead of it and the freshest member it can see, and the
   * config allows takeovers ({@code catchUpTakeoverDelayMillis} is not -1). Standing for election
   * then keeps our newer entries instead of having them rolled back.
   */
  private boolean catchUpTakeoverWanted(long now) {
    if (config.catchUpTakeoverDelayMillis() < 0 || primaryId < 0 || !canElect(now)) {
      return false;
    }
    MemberData p = members.get(primaryId);
    if (p == null || p.health != 1 || p.applied.term() >= term || !myApplied.isAfter(p.applied)) {
      return false;
    }
    for (MemberData d : members.values()) {
      if (d.health == 1 && d.applied.isAfter(myApplied)) {
        return false;
      }
    }
    return true;
  }

  private boolean priorityTakeoverStillWanted() {
    if (primaryId < 0 || primaryId == selfId) {
      return false;
    }
    MemberData p = members.get(primaryId);
    double primaryPriority =
        config.findMemberById(primaryId).map(MemberConfig::priority).orElse(0.0);
    if (p == null || p.health != 1 || selfConfig().priority() <= primaryPriority) {
      return false;
    }
    OpTime latest = myApplied;
    for (MemberData d : members.values()) {
      if (d.health == 1 && d.applied.isAfter(latest)) {
        latest = d.applied;
      }
    }
    return (long) myApplied.ts().getTime() + ReplSetConfig.PRIORITY_TAKEOVER_FRESHNESS_SECS
        >= latest.ts().getTime();
  }

  private boolean majoritySeemsUp(long now) {
    int up = 0;
    for (MemberConfig m : config.members()) {
      if (!m.isVoter()) {
        continue;
      }
      if (m.id() == selfId) {
        up++;
      } else {
        MemberData d = members.get(m.id());
        if (now - d.lastUpdate < config.electionTimeoutMillis()) {
          up++;
        }
      }
    }
    return up >= config.majorityVoteCount();
  }

  private void resetMemberTimeouts(long now) {
    for (MemberData d : members.values()) {
      d.lastUpdate = now;
    }
  }

  // ---------------------------------------------------------------- step down and freeze

  /** replSetStepDown argument checks: BadValue unless stepDownSecs > secondaryCatchUpPeriodSecs. */
  public static void validateStepDownArgs(long stepDownSecs, long secondaryCatchUpPeriodSecs) {
    if (stepDownSecs <= 0) {
      throw MongoServerException.badValue("stepdown period must be a positive integer");
    }
    if (secondaryCatchUpPeriodSecs < 0) {
      throw MongoServerException.badValue("secondaryCatchUpPeriodSecs period must be >= 0");
    }
    if (stepDownSecs <= secondaryCatchUpPeriodSecs) {
      throw MongoServerException.badValue(
          "stepdown period must be longer than secondaryCatchUpPeriodSecs");
    }
  }

  /**
   * One attempt at replSetStepDown. It succeeds when a write majority has this primary's last
   * applied op durably and some electable secondary is caught up (or this is a single electable
   * node); then this node is a secondary frozen until {@code stepDownUntilMillis}. Otherwise it
   * returns WAITING until {@code waitUntilMillis} (now + secondaryCatchUpPeriodSecs), after which
   * it fails with 262 ExceededTimeLimit, or with {@code force} steps down anyway. Throws 10107
   * NotWritablePrimary when not primary.
   */
  public StepDownAttempt tryStepDown(
      long now, boolean force, long waitUntilMillis, long stepDownUntilMillis) {
    if (role != Role.LEADER) {
      throw new MongoServerException(
          ErrorCode.NOT_WRITABLE_PRIMARY, "not primary so can't step down");
    }
    if (canCompleteStepDown() || (force && now >= waitUntilMillis)) {
      becomeFollower(now);
      stepDownUntil = Math.max(stepDownUntil, stepDownUntilMillis);
      return StepDownAttempt.SUCCEEDED;
    }
    if (now >= waitUntilMillis) {
      throw new MongoServerException(
          ErrorCode.EXCEEDED_TIME_LIMIT,
          "No electable secondaries caught up as of "
              + now
              + ". Please use the replSetStepDown command with the argument {force: true} to"
              + " force node to step down.");
    }
    return StepDownAttempt.WAITING;
  }

  /**
   * The members to hand the primary to after a step-down (mongod's election handoff), best first:
   * electable, healthy secondaries that have everything this node applied, by priority.
   */
  public List<Integer> handoffCandidates() {
    List<MemberConfig> candidates = new ArrayList<>();
    for (MemberConfig m : config.members()) {
      MemberData d = members.get(m.id());
      if (m.id() != selfId
          && d != null
          && m.isElectable()
          && d.health == 1
          && d.state == MemberState.SECONDARY
          && !d.applied.isBefore(myApplied)) {
        candidates.add(m);
      }
    }
    candidates.sort(java.util.Comparator.comparingDouble(MemberConfig::priority).reversed());
    return candidates.stream().map(MemberConfig::id).toList();
  }

  private boolean canCompleteStepDown() {
    int durableCount = 0;
    boolean electableCaughtUp = false;
    for (MemberConfig m : config.members()) {
      OpTime durable;
      if (m.id() == selfId) {
        durable = myDurable;
      } else {
        MemberData d = members.get(m.id());
        durable = d.durable;
        if (m.isElectable() && d.health == 1 && !d.applied.isBefore(myApplied)) {
          electableCaughtUp = true;
        }
      }
      if (m.isVoter() && m.isDataBearing() && !durable.isBefore(myApplied)) {
        durableCount++;
      }
    }
    return durableCount >= config.writeMajority()
        && (electableCaughtUp || isSingleElectableVoter());
  }

  /**
   * replSetFreeze: do not stand for election for {@code secs} seconds; 0 unfreezes (a single
   * electable node then runs at once). Throws 136 NotSecondary on a primary or candidate. Returns
   * the "info" text mongod replies with, or null.
   */
  public String freeze(long now, long secs) {
    if (role != Role.FOLLOWER) {
      throw new MongoServerException(
          ErrorCode.NOT_SECONDARY,
          "cannot freeze node when primary or running for election. state: "
              + (role == Role.LEADER ? "Primary" : "Running-Election"));
    }
    if (secs <= 0) {
      stepDownUntil = now;
      if (isSingleElectableVoter()) {
        electionTimeoutAt = now;
      }
      return "unfreezing";
    }
    stepDownUntil = Math.max(stepDownUntil, now + secs * 1000);
    return secs == 1 ? "you really want to freeze for only 1 second?" : null;
  }

  // ---------------------------------------------------------------- sync source

  /**
   * Picks a sync source: with chaining disallowed, the primary; otherwise the closest (by ping)
   * healthy PRIMARY or SECONDARY member that is ahead of us, preferring non-hidden, non-delayed
   * members, never one delayed more than us or one that does not build indexes when we do. Returns
   * its _id or -1, and remembers it.
   */
  public int chooseNewSyncSource(long now) {
    syncSourceId = -1;
    if (config == null
        || selfId < 0
        || isWritablePrimary()
        || selfConfig().arbiterOnly()
        || state == MemberState.REMOVED) {
      return -1;
    }
    syncSourceDenylist.values().removeIf(until -> until <= now);
    if (requestedSyncSourceId >= 0) {
      // replSetSyncFrom: used once, then the usual rules apply again.
      int requested = requestedSyncSourceId;
      requestedSyncSourceId = -1;
      if (requested != selfId && config.findMemberById(requested).isPresent()) {
        syncSourceId = requested;
        return syncSourceId;
      }
    }
    // A primary catching up may fetch from any member: there is no other primary to chain from.
    if (!config.chainingAllowed() && catchUp == null) {
      if (primaryId >= 0 && isEligibleSource(primaryId, false)) {
        syncSourceId = primaryId;
      }
      return syncSourceId;
    }
    for (int attempt = 0; attempt < 2 && syncSourceId < 0; attempt++) {
      long bestPing = Long.MAX_VALUE;
      for (MemberConfig m : config.members()) {
        if (isEligibleSource(m.id(), attempt == 0)) {
          long ping = members.get(m.id()).ping;
          if (ping < bestPing) {
            bestPing = ping;
            syncSourceId = m.id();
          }
        }
      }
    }
    return syncSourceId;
  }

  private boolean isEligibleSource(int id, boolean strict) {
    if (id == selfId || syncSourceDenylist.containsKey(id)) {
      return false;
    }
    MemberConfig m = config.findMemberById(id).orElse(null);
    MemberData d = members.get(id);
    if (m == null || d == null || m.arbiterOnly() || d.health != 1 || !d.state.readable()) {
      return false;
    }
    // A source must hold entries we lack; the primary of our term only must not be behind us: every
    // entry starts there, and its awaitData cursor simply waits. Otherwise a caught-up member has
    // no
    // source at all, and when writes resume it fetches nothing until a heartbeat shows the primary
    // ahead (up to a heartbeat interval).
    boolean currentPrimary = id == primaryId && d.state == MemberState.PRIMARY && d.term == term;
    if (currentPrimary ? d.applied.isBefore(myApplied) : !d.applied.isAfter(myApplied)) {
      return false;
    }
    MemberConfig self = selfConfig();
    if (m.secondaryDelaySecs() > self.secondaryDelaySecs()) {
      return false;
    }
    if (self.buildIndexes() && !m.buildIndexes()) {
      return false;
    }
    return !strict || (!m.hidden() && m.secondaryDelaySecs() == 0);
  }

  /**
   * Entries through {@code through}, fetched from {@code sourceId}, are applied: the source holds
   * them. Called as the batch's position becomes ours, before anything can ask whether to keep the
   * source: until its reply's metadata is processed the source would otherwise look behind us (by
   * its last heartbeat) for the batch it just sent, and the fetch would be dropped and started
   * again with a new cursor, once per batch.
   */
  public void recordFetchedFrom(int sourceId, OpTime through) {
    MemberData d = members.get(sourceId);
    if (d != null && sourceId == syncSourceId && through.isAfter(d.applied)) {
      d.applied = through;
    }
  }

  /**
   * Whether to drop the current sync source: it is gone, unhealthy or not PRIMARY/SECONDARY,
   * chaining is off and it is not the primary, or it is behind us.
   */
  public boolean shouldChangeSyncSource(long now, int sourceId) {
    if (sourceId < 0 || config == null || isWritablePrimary()) {
      return true;
    }
    if (requestedSyncSourceId >= 0 && requestedSyncSourceId != sourceId) {
      return true;
    }
    MemberData d = members.get(sourceId);
    if (d == null || d.health == 0 || !d.state.readable()) {
      return true;
    }
    if (syncSourceDenylist.getOrDefault(sourceId, 0L) > now) {
      return true;
    }
    if (!config.chainingAllowed() && catchUp == null && primaryId >= 0 && sourceId != primaryId) {
      return true;
    }
    if (primaryId >= 0 && primaryId != sourceId && d.term >= 0 && d.term < term) {
      // The source has not heard of the term our primary leads: it may be a paused old primary.
      return true;
    }
    if (catchUp != null && !d.applied.isAfter(myApplied)) {
      // A catching-up primary needs a source with entries it lacks, not one merely level with it.
      return true;
    }
    if (!d.applied.isAfter(myApplied) && sourceId != primaryId && primaryAheadOf(myApplied)) {
      // The source has nothing new while the primary does: two secondaries can end up syncing
      // from each other (a cycle), and neither would ever move on.
      return true;
    }
    return d.applied.isBefore(myApplied);
  }

  private boolean primaryAheadOf(OpTime opTime) {
    MemberData p = primaryId >= 0 && primaryId != selfId ? members.get(primaryId) : null;
    return p != null && p.health == 1 && p.applied.isAfter(opTime);
  }

  /** What replSetSyncFrom answers: the source it replaces, and whether the target is behind. */
  public record SyncFromResult(int targetId, int previousSourceId, boolean targetBehind) {}

  /**
   * replSetSyncFrom: makes the next sync source choice {@code host}, as mongod checks it: 136
   * NotSecondary on an arbiter or primary, 74 NodeNotFound for a host not in the config, 72
   * InvalidOptions for self, an arbiter, a member without indexes when we build them, or a
   * non-voter when we vote, 6 HostUnreachable for a member seen down. A target more than 10 s
   * behind us is still taken, with a warning.
   */
  public SyncFromResult requestSyncSource(long now, String host) {
    if (config == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    if (selfId < 0) {
      throw new MongoServerException(ErrorCode.NOT_SECONDARY, "removed members don't sync");
    }
    MemberConfig self = selfConfig();
    if (self.arbiterOnly()) {
      throw new MongoServerException(ErrorCode.NOT_SECONDARY, "arbiters don't sync");
    }
    if (role == Role.LEADER) {
      throw new MongoServerException(ErrorCode.NOT_SECONDARY, "primaries don't sync");
    }
    String target = host.contains(":") ? host : host + ":27017";
    MemberConfig m =
        config.members().stream()
            .filter(c -> c.host().equalsIgnoreCase(target))
            .findFirst()
            .orElseThrow(
                () ->
                    new MongoServerException(
                        ErrorCode.NODE_NOT_FOUND,
                        "Could not find member \"" + target + "\" in replica set"));
    if (m.id() == selfId) {
      throw new MongoServerException(ErrorCode.INVALID_OPTIONS, "I cannot sync from myself");
    }
    if (m.arbiterOnly()) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS,
          "Cannot sync from \"" + m.host() + "\" because it is an arbiter");
    }
    if (self.buildIndexes() && !m.buildIndexes()) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS,
          "Cannot sync from \"" + m.host() + "\" because it does not build indexes");
    }
    if (self.isVoter() && !m.isVoter()) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS,
          "Cannot sync from \"" + m.host() + "\" because it is not a voter");
    }
    MemberData d = members.get(m.id());
    if (d.health == 0) {
      throw new MongoServerException(
          ErrorCode.HOST_UNREACHABLE, "I cannot reach the requested member: " + m.host());
    }
    boolean behind = (long) d.applied.ts().getTime() + 10 < myApplied.ts().getTime();
    requestedSyncSourceId = m.id();
    return new SyncFromResult(m.id(), syncSourceId, behind);
  }

  /** Do not choose {@code sourceId} again before {@code untilMillis} (fetch failed, diverged). */
  public void denylistSyncSource(int sourceId, long untilMillis) {
    syncSourceDenylist.put(sourceId, untilMillis);
    if (syncSourceId == sourceId) {
      syncSourceId = -1;
    }
  }

  // ---------------------------------------------------------------- status

  /**
   * Moves a non-primary between the data states the I/O layer decides: STARTUP2 (initial sync),
   * RECOVERING, ROLLBACK and SECONDARY. Only SECONDARY may stand for election.
   */
  public void setFollowerState(long now, MemberState newState) {
    if (role == Role.LEADER || config == null || selfId < 0 || selfConfig().arbiterOnly()) {
      return;
    }
    if (role == Role.CANDIDATE) {
      election = null;
      role = Role.FOLLOWER;
    }
    state = newState;
    scheduleElectionTimeout(now);
  }

  /** Every member as this node sees it, self included, in config order (replSetGetStatus). */
  public List<MemberStatus> memberStatuses(long now) {
    List<MemberStatus> out = new ArrayList<>();
    if (config == null) {
      return out;
    }
    for (MemberConfig m : config.members()) {
      if (m.id() == selfId) {
        out.add(
            new MemberStatus(
                m.id(),
                m.host(),
                true,
                1,
                state,
                term,
                myApplied,
                myDurable,
                0,
                0,
                0,
                syncSourceId,
                config.version()));
      } else {
        MemberData d = members.get(m.id());
        out.add(
            new MemberStatus(
                m.id(),
                m.host(),
                false,
                d.health < 0 ? 1 : d.health,
                d.health < 0 ? MemberState.UNKNOWN : d.state,
                d.term,
                d.applied,
                d.durable,
                d.lastHeartbeat,
                d.lastHeartbeatRecv,
                d.ping,
                d.syncSourceId,
                d.configVersion));
      }
    }
    return out;
  }
}
