package dev.starling.node.repl.core.sim;

import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.ElectionStep;
import dev.starling.node.repl.core.HeartbeatRequest;
import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.HeartbeatResult;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.StartElectionReason;
import dev.starling.node.repl.core.StepDownAttempt;
import dev.starling.node.repl.core.SyncSourceMetadata;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.UpdateResult;
import dev.starling.node.repl.core.VoteRequest;
import dev.starling.node.repl.core.VoteResponse;
import dev.starling.node.repl.core.VoteResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.bson.BsonTimestamp;

/**
 * A deterministic simulated replica set: a manual clock, an in-memory network that drops, delays,
 * reorders and partitions messages, nodes that crash (keeping only term, lastVote and oplog) and
 * restart, and a toy oplog per node (the primary appends client writes, secondaries pull from their
 * sync source and roll back to the common point when they diverged). Safety invariants are checked
 * after every event; a broken one throws {@link Violation}.
 */
public final class SimCluster {
  /** A broken invariant. */
  public static final class Violation extends RuntimeException {
    Violation(String m) {
      super(m);
    }
  }

  static final long FETCH_INTERVAL = 300;
  static final int FETCH_BATCH = 100;

  // ---- messages
  record HbReq(HeartbeatRequest req, long sentAt) {}

  record HbResp(HeartbeatResponse resp, long sentAt) {}

  record VoteReq(VoteRequest req) {}

  record VoteResp(VoteResponse resp) {}

  record FetchReq(long term, OpTime last, int size) {}

  record FetchResp(
      SyncSourceMetadata md,
      OpTime requestedLast,
      int requestedSize,
      List<OpTime> entries,
      List<OpTime> divergedSnapshot) {}

  private record Event(long at, long tie, long seq, Runnable run) {}

  /** One simulated mongod. */
  public final class Node {
    final int id;
    final String host;
    final MemberConfig member;
    // durable
    DurableState durable = DurableState.INITIAL;
    final List<OpTime> oplog = new ArrayList<>();
    // volatile
    boolean up = true;
    int incarnation;
    TopologyCoordinator core;
    long[] nextHeartbeat;
    long nextFetch;
    long scheduledWakeup = Long.MAX_VALUE;
    boolean writable; // took writes after its last election (catch-up over, no-op written)
    OpTime lastAtElection = OpTime.NULL;
    int verifiedCommittedPos; // oplog positions below this were checked against committed

    Node(int id, MemberConfig member) {
      this.id = id;
      this.host = member.host();
      this.member = member;
    }

    public TopologyCoordinator core() {
      return core;
    }

    public boolean isUp() {
      return up;
    }

    public List<OpTime> oplog() {
      return oplog;
    }

    OpTime last() {
      return oplog.isEmpty() ? OpTime.NULL : oplog.get(oplog.size() - 1);
    }
  }

  final long seed;
  final Random rnd;
  final ReplSetConfig config;
  final List<Node> nodes = new ArrayList<>();
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.at != b.at
                  ? Long.compare(a.at, b.at)
                  : a.tie != b.tie ? Long.compare(a.tie, b.tie) : Long.compare(a.seq, b.seq));
  private long seq;
  long now;
  double dropRate;
  long maxDelay = 20;
  int[] group;
  long writesPerSecondTimes10 = 30;

  // invariant state
  private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
  private final List<Map<Long, Integer>> votesCast = new ArrayList<>();
  final List<OpTime> committed = new ArrayList<>();
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private final boolean printTrace;
  long events;

  /** Counters for the report: elections won, rollbacks, entries rolled back, step-downs. */
  final long[] stats = new long[6];

  public SimCluster(long seed, ReplSetConfig config, boolean printTrace) {
    this.seed = seed;
    this.rnd = new Random(seed);
    this.config = config;
    this.printTrace = printTrace;
    for (MemberConfig m : config.members()) {
      Node n = new Node(nodes.size(), m);
      nodes.add(n);
      votesCast.add(new HashMap<>());
    }
    group = new int[nodes.size()];
    for (Node n : nodes) {
      start(n);
    }
    scheduleClientWrites();
  }

  public List<Node> nodes() {
    return nodes;
  }

  public long now() {
    return now;
  }

  // ------------------------------------------------------------------ event loop

  void at(long time, Runnable r) {
    queue.add(new Event(time, rnd.nextLong(), seq++, r));
  }

  /** Processes events up to and including {@code until}; the clock ends at {@code until}. */
  public void runUntil(long until) {
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Event e = queue.poll();
      now = e.at;
      events++;
      e.run.run();
    }
    now = until;
  }

  void log(String s) {
    String line = now + " " + s;
    if (printTrace) {
      System.out.println(line);
    }
    trace.addLast(line);
    if (trace.size() > 60) {
      trace.removeFirst();
    }
  }

  public String recentTrace() {
    return String.join("\n", trace);
  }

  // ------------------------------------------------------------------ faults

  public void crash(Node n) {
    if (!n.up) {
      return;
    }
    log("crash n" + n.id);
    n.up = false;
    n.core = null;
    n.incarnation++;
  }

  public void restart(Node n) {
    if (n.up) {
      return;
    }
    log("restart n" + n.id);
    n.up = true;
    start(n);
  }

  private void start(Node n) {
    n.core = new TopologyCoordinator(n.host, new Random(rnd.nextLong()));
    n.core.restore(n.durable, n.last(), n.last());
    n.core.installConfig(now, config);
    n.nextHeartbeat = new long[nodes.size()];
    Arrays.fill(n.nextHeartbeat, now);
    n.nextFetch = now;
    n.scheduledWakeup = Long.MAX_VALUE;
    n.writable = false;
    n.verifiedCommittedPos = 0;
    wake(n, now);
  }

  /** Puts each node in a group; nodes talk only within their group. */
  public void partition(int[] groups) {
    log("partition " + Arrays.toString(groups));
    group = groups.clone();
  }

  public void heal() {
    log("heal");
    group = new int[nodes.size()];
  }

  boolean connected(int a, int b) {
    return group[a] == group[b];
  }

  public void setDropRate(double rate) {
    dropRate = rate;
  }

  public void setMaxDelay(long ms) {
    maxDelay = ms;
  }

  // ------------------------------------------------------------------ network

  void send(Node from, int to, Object msg) {
    if (!connected(from.id, to) || rnd.nextDouble() < dropRate) {
      return;
    }
    long delay = 1 + (long) (rnd.nextDouble() * maxDelay);
    int inc = from.incarnation;
    at(
        now + delay,
        () -> {
          Node target = nodes.get(to);
          if (target.up && connected(from.id, to)) {
            deliver(target, from.id, msg);
            afterEvent(target);
          } else if (!target.up
              && msg instanceof HbReq
              && from.up
              && from.incarnation == inc
              && connected(from.id, to)) {
            // A crashed process's port refuses connections: the sender learns it at once, as
            // the real node does, and may hold a prompt election if the target was primary.
            from.core.processHeartbeatFailure(now, to, true);
            afterEvent(from);
          }
        });
  }

  private void deliver(Node n, int from, Object msg) {
    TopologyCoordinator c = n.core;
    switch (msg) {
      case HbReq(HeartbeatRequest req, long sentAt) -> {
        UpdateResult u = c.processHeartbeatRequest(now, req);
        persist(n, u.persist());
        action(n, u.action());
        send(n, from, new HbResp(c.prepareHeartbeatResponse(now), sentAt));
      }
      case HbResp(HeartbeatResponse resp, long sentAt) -> {
        HeartbeatResult r = c.processHeartbeatResponse(now, from, resp, now - sentAt);
        persist(n, r.persist());
        action(n, r.action());
      }
      case VoteReq(VoteRequest req) -> {
        VoteResult r = c.processVoteRequest(now, req);
        persist(n, r.persist());
        action(n, r.action());
        send(n, from, new VoteResp(r.response()));
      }
      case VoteResp(VoteResponse resp) -> {
        boolean wasLeader = c.isWritablePrimary();
        ElectionStep s = c.processVoteResponse(now, from, resp);
        electionStep(n, s);
        if (wasLeader && !c.isWritablePrimary()) {
          log("n" + n.id + " stepped down on a vote response");
        }
      }
      case FetchReq f -> serveFetch(n, from, f);
      case FetchResp f -> applyFetch(n, from, f);
      default -> throw new IllegalStateException("unknown message " + msg);
    }
  }

  // ------------------------------------------------------------------ per-node timers

  private void wake(Node n, long at) {
    if (at >= n.scheduledWakeup) {
      return;
    }
    n.scheduledWakeup = at;
    int inc = n.incarnation;
    at(
        at,
        () -> {
          if (!n.up || n.incarnation != inc || n.scheduledWakeup != at) {
            return;
          }
          n.scheduledWakeup = Long.MAX_VALUE;
          timers(n);
          afterEvent(n);
        });
  }

  private void timers(Node n) {
    TopologyCoordinator c = n.core;
    for (Node o : nodes) {
      if (o != n && now >= n.nextHeartbeat[o.id]) {
        send(n, o.id, new HbReq(c.prepareHeartbeatRequest(now, o.id), now));
        n.nextHeartbeat[o.id] = now + config.heartbeatIntervalMillis();
      }
    }
    if (now >= n.nextFetch) {
      n.nextFetch = now + FETCH_INTERVAL;
      if (!c.isWritablePrimary() && !n.member.arbiterOnly()) {
        int src = c.syncSourceId();
        if (src < 0 || c.shouldChangeSyncSource(now, src)) {
          src = c.chooseNewSyncSource(now);
        }
        if (src >= 0) {
          send(n, src, new FetchReq(c.term(), n.last(), n.oplog.size()));
        }
      }
    }
  }

  /** After every event on a node: run its timers, check invariants, schedule its next wakeup. */
  private void afterEvent(Node n) {
    if (!n.up) {
      return;
    }
    action(n, n.core.tick(now));
    boolean writable = n.core.isWritablePrimary();
    if (writable && !n.writable) {
      if (!n.last().equals(n.lastAtElection)) {
        stats[4]++; // the catch-up phase fetched entries the new primary lacked
      }
      log("n" + n.id + " caught up; takes writes in term " + n.core.term() + " after " + n.last());
      append(n); // the "new primary" no-op, written once the catch-up phase is over
    }
    n.writable = writable;
    checkNode(n);
    long next = n.core.nextWakeupAtMillis(now);
    for (Node o : nodes) {
      if (o != n) {
        next = Math.min(next, n.nextHeartbeat[o.id]);
      }
    }
    next = Math.min(next, n.nextFetch);
    wake(n, Math.max(next, now + 1));
  }

  private void action(Node n, Action a) {
    switch (a) {
      case Action.StartElection s -> {
        log("n" + n.id + " starts election " + s.reason() + " term " + n.core.term());
        if (s.reason() == StartElectionReason.CATCHUP_TAKEOVER) {
          stats[5]++;
        }
        electionStep(n, s.step());
      }
      case Action.StepDownSelf s -> {
        log("n" + n.id + " steps down: " + s.reason());
        stats[3]++;
      }
      default -> {}
    }
  }

  private void electionStep(Node n, ElectionStep s) {
    persist(n, s.persist());
    switch (s.outcome()) {
      case SEND_REQUESTS -> {
        for (int t : s.targets()) {
          send(n, idOf(t), new VoteReq(s.request()));
        }
      }
      case WON -> won(n, s.term());
      default -> {}
    }
  }

  private int idOf(int memberId) {
    for (Node o : nodes) {
      if (o.member.id() == memberId) {
        return o.id;
      }
    }
    throw new IllegalStateException("no member " + memberId);
  }

  // ------------------------------------------------------------------ oplog

  private void won(Node n, long term) {
    log("n" + n.id + " is PRIMARY in term " + term + " last " + n.last());
    stats[0]++;
    Integer prev = leaderOfTerm.putIfAbsent(term, n.id);
    if (prev != null && prev != n.id) {
      throw new Violation("two primaries in term " + term + ": n" + prev + " and n" + n.id);
    }
    for (int i = 0; i < committed.size(); i++) {
      if (i >= n.oplog.size() || !n.oplog.get(i).equals(committed.get(i))) {
        throw new Violation(
            "new primary n"
                + n.id
                + " in term "
                + term
                + " lacks committed entry "
                + committed.get(i)
                + " at position "
                + i
                + " (has "
                + (i < n.oplog.size() ? n.oplog.get(i) : "nothing")
                + ")");
      }
    }
    n.lastAtElection = n.last();
    // Ask every member for its position now: the catch-up target comes from these replies.
    Arrays.fill(n.nextHeartbeat, now);
  }

  void append(Node n) {
    OpTime last = n.last();
    int secs = (int) (now / 1000) + 1;
    BsonTimestamp ts =
        last.ts().getTime() >= secs
            ? new BsonTimestamp(last.ts().getTime(), last.ts().getInc() + 1)
            : new BsonTimestamp(secs, 1);
    OpTime op = new OpTime(ts, n.core.term());
    n.oplog.add(op);
    n.core.setMyLastOpTimes(op, op);
  }

  private void scheduleClientWrites() {
    long gap = 50 + rnd.nextInt(400);
    at(
        now + gap,
        () -> {
          for (Node n : nodes) {
            if (n.up && n.core.isWritablePrimary() && rnd.nextInt(10) < 7) {
              append(n);
              afterEvent(n);
            }
          }
          scheduleClientWrites();
        });
  }

  private void serveFetch(Node s, int from, FetchReq f) {
    TopologyCoordinator c = s.core;
    Node fetcher = nodes.get(from);
    UpdateResult u =
        c.processPositionReport(now, fetcher.member.id(), f.term(), f.last(), f.last());
    persist(s, u.persist());
    action(s, u.action());
    SyncSourceMetadata md =
        new SyncSourceMetadata(
            c.term(), c.commitPoint(), c.myLastApplied(), c.primaryId(), c.memberState());
    if (f.size() == 0
        || (s.oplog.size() >= f.size() && s.oplog.get(f.size() - 1).equals(f.last()))) {
      int end = Math.min(s.oplog.size(), f.size() + FETCH_BATCH);
      List<OpTime> entries = List.copyOf(s.oplog.subList(f.size(), end));
      send(s, from, new FetchResp(md, f.last(), f.size(), entries, null));
    } else {
      send(s, from, new FetchResp(md, f.last(), f.size(), null, List.copyOf(s.oplog)));
    }
  }

  private void applyFetch(Node n, int from, FetchResp f) {
    TopologyCoordinator c = n.core;
    boolean current = n.oplog.size() == f.requestedSize() && n.last().equals(f.requestedLast());
    if (current && !c.isWritablePrimary()) {
      if (f.entries() != null) {
        if (!f.entries().isEmpty()) {
          n.oplog.addAll(f.entries());
          c.setMyLastOpTimes(n.last(), n.last());
          n.nextFetch = now;
        }
      } else if (c.isCatchingUp()) {
        // A primary never rolls back: it stops catching up instead, as the I/O layer does.
        log("n" + n.id + " diverged from its catch-up source n" + from + "; ends catch-up");
        c.abortCatchUp();
      } else if (f.md().lastAppliedOpTime().isAfter(n.last())) {
        rollback(n, f.divergedSnapshot());
        n.nextFetch = now;
      } else {
        c.denylistSyncSource(nodes.get(from).member.id(), now + 5000);
      }
    }
    UpdateResult u = c.processSyncSourceMetadata(now, nodes.get(from).member.id(), f.md());
    persist(n, u.persist());
    action(n, u.action());
  }

  private void rollback(Node n, List<OpTime> source) {
    int common = 0;
    while (common < n.oplog.size()
        && common < source.size()
        && n.oplog.get(common).equals(source.get(common))) {
      common++;
    }
    OpTime cp = n.core.commitPoint();
    if (!cp.isNull()) {
      int pos = n.oplog.indexOf(cp);
      if (pos >= common) {
        throw new Violation(
            "n" + n.id + " rolls back to position " + common + " past its commit point " + cp);
      }
    }
    log("n" + n.id + " rolls back " + (n.oplog.size() - common) + " entries to " + common);
    stats[1]++;
    stats[2] += n.oplog.size() - common;
    n.oplog.subList(common, n.oplog.size()).clear();
    n.verifiedCommittedPos = Math.min(n.verifiedCommittedPos, common);
    n.core.setMyLastOpTimes(n.last(), n.last());
  }

  // ------------------------------------------------------------------ invariants

  private void persist(Node n, DurableState d) {
    if (d == null) {
      return;
    }
    if (d.term() < n.durable.term()) {
      throw new Violation("n" + n.id + " term went back from " + n.durable.term() + " to " + d);
    }
    if (d.lastVote().term() > d.term()) {
      throw new Violation("n" + n.id + " voted in a future term: " + d);
    }
    if (d.lastVote().candidateId() >= 0) {
      Integer prev =
          votesCast.get(n.id).putIfAbsent(d.lastVote().term(), d.lastVote().candidateId());
      if (prev != null && prev != d.lastVote().candidateId()) {
        throw new Violation(
            "n"
                + n.id
                + " voted twice in term "
                + d.lastVote().term()
                + ": for "
                + prev
                + " and "
                + d.lastVote().candidateId());
      }
    }
    n.durable = d;
  }

  private void checkNode(Node n) {
    TopologyCoordinator c = n.core;
    if (!c.durableState().equals(n.durable)) {
      throw new Violation(
          "n"
              + n.id
              + " changed term/vote without asking to persist: "
              + c.durableState()
              + " vs durable "
              + n.durable);
    }
    OpTime cp = c.commitPoint();
    if (cp.isNull()) {
      return;
    }
    int pos = -1;
    for (int i = n.oplog.size() - 1; i >= 0; i--) {
      OpTime o = n.oplog.get(i);
      if (o.equals(cp)) {
        pos = i;
        break;
      }
      if (o.isBefore(cp)) {
        break;
      }
    }
    if (pos < 0) {
      throw new Violation("n" + n.id + " commit point " + cp + " is not in its oplog");
    }
    for (int i = n.verifiedCommittedPos; i <= pos; i++) {
      OpTime o = n.oplog.get(i);
      if (i < committed.size()) {
        if (!committed.get(i).equals(o)) {
          throw new Violation(
              "n"
                  + n.id
                  + " commits "
                  + o
                  + " at position "
                  + i
                  + " where "
                  + committed.get(i)
                  + " was committed");
        }
      } else {
        committed.add(o);
      }
    }
    n.verifiedCommittedPos = Math.max(n.verifiedCommittedPos, pos + 1);
  }

  // ------------------------------------------------------------------ commands

  /** replSetStepDown as a command handler would run it: retry every 100 ms until done. */
  public void stepDown(Node n, long stepDownSecs, long catchUpSecs, boolean force) {
    if (!n.up || !n.core.isWritablePrimary()) {
      return;
    }
    log("n" + n.id + " replSetStepDown " + stepDownSecs + "s catchUp " + catchUpSecs + "s");
    long waitUntil = now + catchUpSecs * 1000;
    long until = now + stepDownSecs * 1000;
    int inc = n.incarnation;
    stepDownAttempt(n, inc, force, waitUntil, until);
  }

  private void stepDownAttempt(Node n, int inc, boolean force, long waitUntil, long until) {
    if (!n.up || n.incarnation != inc) {
      return;
    }
    try {
      if (n.core.tryStepDown(now, force, waitUntil, until) == StepDownAttempt.SUCCEEDED) {
        log("n" + n.id + " stepped down until " + until);
      } else {
        at(now + 100, () -> stepDownAttempt(n, inc, force, waitUntil, until));
      }
    } catch (MongoServerException e) {
      log("n" + n.id + " replSetStepDown failed: " + e.code() + " " + e.getMessage());
    }
    afterEvent(n);
  }

  public void freeze(Node n, long secs) {
    if (!n.up) {
      return;
    }
    try {
      n.core.freeze(now, secs);
      log("n" + n.id + " frozen " + secs + "s");
    } catch (MongoServerException e) {
      log("n" + n.id + " replSetFreeze failed: " + e.getMessage());
    }
    afterEvent(n);
  }

  // ------------------------------------------------------------------ queries

  /** The node that is primary in a term no node has passed, if any. */
  public Node currentPrimary() {
    long maxTerm = 0;
    for (Node n : nodes) {
      maxTerm = Math.max(maxTerm, n.up ? n.core.term() : n.durable.term());
    }
    for (Node n : nodes) {
      if (n.up && n.core.isWritablePrimary() && n.core.term() == maxTerm) {
        return n;
      }
    }
    return null;
  }

  /** One line per node (role, state, term, last entry, sync source, catch-up), for failures. */
  public String describeNodes() {
    StringBuilder b = new StringBuilder();
    for (Node n : nodes) {
      b.append("n").append(n.id).append(": ");
      if (!n.up) {
        b.append("down\n");
        continue;
      }
      TopologyCoordinator c = n.core;
      b.append(c.role())
          .append(' ')
          .append(c.memberState())
          .append(" term ")
          .append(c.term())
          .append(" last ")
          .append(n.last())
          .append(" syncSource ")
          .append(c.syncSourceId())
          .append(c.isCatchingUp() ? " catching up" : "")
          .append('\n');
    }
    return b.toString();
  }

  public int committedCount() {
    return committed.size();
  }
}
