package dev.starling.node.repl;

import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.util.Iterator;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

/**
 * What a member recovers from its own storage at startup, before the coordinator installs it (as
 * mongod's startup loads the local config and recovers from the oplog): its newest oplog entry (the
 * oplog writer resumes after it), the term and vote, the stored config and minValid. An initial
 * sync that a restart cut short is started over: its copy may be incomplete, so the oplog goes and
 * the member comes back as an empty one.
 */
final class ReplicationRecovery {
  private ReplicationRecovery() {}

  /**
   * @param config the stored config, or null before one was stored
   * @param lastApplied the newest oplog entry's OpTime, {@link OpTime#NULL} for an empty oplog
   * @param lastWallMillis that entry's wall clock time, 0 for none
   */
  record Recovered(
      DurableState durable,
      ReplSetConfig config,
      MinValid minValid,
      OpTime lastApplied,
      long lastWallMillis) {}

  static Recovered recover(
      String setName, StorageEngine storage, OplogWriter oplog, ReplicationLocalStore local) {
    OpTime last = OpTime.NULL;
    long lastWall = 0;
    Iterator<BsonDocument> newest = OplogWriter.read(storage, true);
    if (newest.hasNext()) {
      BsonDocument entry = newest.next();
      last = new OpTime(entry.getTimestamp("ts"), entry.getInt64("t").getValue());
      lastWall = entry.getDateTime("wall").getValue();
      oplog.resumeAfter(last.ts());
    }
    ReplSetConfig config = local.config();
    MinValid minValid = local.minValid();
    if (config != null && minValid.initialSync()) {
      // The copy may be incomplete: start over, as an empty member (the sync drops user data).
      Log.info("replica set %s: an initial sync was interrupted; starting it again", setName);
      oplog.truncateAfter(storage, new BsonTimestamp(0));
      last = OpTime.NULL;
      lastWall = 0;
    }
    return new Recovered(local.durableState(), config, minValid, last, lastWall);
  }
}
