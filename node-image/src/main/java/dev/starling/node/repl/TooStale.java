package dev.starling.node.repl;

import dev.starling.node.repl.core.OpTime;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

/** What a too-stale member logs and shows as its {@code infoMessage} in replSetGetStatus. */
final class TooStale {
  /** How long a source we are too stale for is left alone (mongod: one minute). */
  static final long DENYLIST_MILLIS = 60_000;

  private TooStale() {}

  private static String ts(BsonTimestamp ts) {
    return "Timestamp(" + ts.getTime() + ", " + ts.getInc() + ")";
  }

  /** The log line when one source cannot serve us. */
  static String sourceMessage(String host, OpTime lastApplied, BsonDocument sourceOldest) {
    return "We are too stale to use "
        + host
        + " as a sync source: our last applied entry "
        + ts(lastApplied.ts())
        + " is before its oldest entry "
        + ts(sourceOldest.getTimestamp("ts"))
        + "; denylisting it for "
        + DENYLIST_MILLIS / 1000
        + " s";
  }

  /** The infoMessage once no source can serve us: the member stays RECOVERING. */
  static String recoveringMessage(String host, OpTime lastApplied, BsonDocument sourceOldest) {
    return "error RS102 too stale to catch up: our last applied entry "
        + ts(lastApplied.ts())
        + " is before the oldest entry "
        + ts(sourceOldest.getTimestamp("ts"))
        + " of "
        + host
        + " and no other member can serve it. Resync this member: stop it, empty its dbpath and"
        + " restart it (it initial-syncs). See"
        + " http://dochub.mongodb.org/core/resyncingaverystalereplicasetmember";
  }
}
