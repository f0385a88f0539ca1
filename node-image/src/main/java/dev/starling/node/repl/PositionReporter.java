package dev.starling.node.repl;

import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;

/**
 * A secondary's position reporter: sends {@code replSetUpdatePosition} to its sync source whenever
 * its own position, or one relayed through it by a member that syncs from it, changed, and at least
 * once a second. The call goes through a {@link PeerCallSlot}, so the coordinator can cut it short
 * when the sync source changes.
 *
 * <p>Lock order: the coordinator's monitor may be held while this object's is taken ({@link
 * #relay}, {@link #changed}, {@link #keepOnly}); this object never calls the coordinator while
 * holding its own.
 */
final class PositionReporter {
  /** The coordinator's side. */
  interface Upstream {
    boolean closed();

    /**
     * What to report now, or null when there is no one to report to (a primary, no sync source).
     * Decided under the coordinator's lock, which calls {@code aim} with the source's member id
     * before releasing it, so a source change that follows is seen by {@link #keepOnly}.
     */
    Report next(IntConsumer aim);
  }

  /** This node's own position and where it goes. */
  record Report(String host, long term, ReplMessages.Position own) {}

  static final long INTERVAL_MILLIS = 1000;
  private static final long CALL_TIMEOUT_MILLIS = 5_000;
  private static final long SLOW_MILLIS = 500;

  private final Upstream upstream;
  private final PeerCaller peers;
  private final Clock clock;
  private final PeerCallSlot slot = new PeerCallSlot();
  private final ProgressSignal progress = new ProgressSignal();
  private final Map<Integer, ReplMessages.Position> relayed = new HashMap<>(); // guarded by this
  private boolean dirty; // guarded by this

  PositionReporter(Upstream upstream, PeerCaller peers, Clock clock) {
    this.upstream = upstream;
    this.peers = peers;
    this.clock = clock;
  }

  void start() {
    Thread.ofVirtual().name("repl-position-reporter").start(this::run);
  }

  /** A member syncing from us reported {@code position}: it goes upstream with ours. */
  synchronized void relay(ReplMessages.Position position) {
    relayed.put(position.memberId(), position);
  }

  /** Our position, or one we relay, changed: report it now. */
  void changed() {
    synchronized (this) {
      dirty = true;
    }
    progress.signal();
  }

  /** Cancels a report in flight to any member but {@code sourceId} (-1: to any member). */
  void keepOnly(int sourceId) {
    int reportedTo = slot.memberId();
    if (reportedTo >= 0 && reportedTo != sourceId) {
      slot.cancel(reportedTo);
    }
  }

  /** Wakes the reporter so it sees that the coordinator closed. */
  void close() {
    progress.signal();
  }

  /** The positions to report: this node's, then those relayed through it. */
  synchronized List<ReplMessages.Position> positions(ReplMessages.Position own) {
    List<ReplMessages.Position> out = new ArrayList<>();
    out.add(own);
    out.addAll(relayed.values());
    return out;
  }

  /** Waits until a position changed or {@code millis} passed; returns whether one changed. */
  boolean awaitChange(long millis) throws InterruptedException {
    long deadline = clock.millis() + millis;
    while (true) {
      long seen = progress.version();
      synchronized (this) {
        if (dirty) {
          dirty = false;
          return true;
        }
      }
      long wait = deadline - clock.millis();
      if (wait <= 0 || upstream.closed()) {
        return false;
      }
      progress.await(seen, wait);
    }
  }

  private void run() {
    while (!upstream.closed()) {
      try {
        awaitChange(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      Report report = upstream.next(slot::aim);
      if (report == null) {
        continue;
      }
      try {
        send(report);
      } catch (RuntimeException e) {
        // Cancelled (we have a new source), or failed: the next change or periodic report retries.
      } finally {
        slot.clear();
      }
    }
  }

  private void send(Report report) {
    BsonArray optimes = new BsonArray();
    for (ReplMessages.Position p : positions(report.own())) {
      optimes.add(ReplMessages.position(p));
    }
    BsonDocument update =
        new BsonDocument("replSetUpdatePosition", new BsonInt32(1))
            .append("optimes", optimes)
            .append("$replData", new BsonDocument("term", new BsonInt64(report.term())));
    long start = clock.millis();
    slot.call(() -> peers.call(report.host(), "admin", update, CALL_TIMEOUT_MILLIS));
    long millis = clock.millis() - start;
    if (millis >= SLOW_MILLIS) {
      Log.info("slow replSetUpdatePosition: %s answered after %d ms", report.host(), millis);
    }
  }
}
