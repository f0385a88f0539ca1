package dev.starling.node.repl;

import org.bson.BsonTimestamp;

/**
 * Which of the oldest oplog entries may go, as a pure decision (time is a parameter): while the
 * oplog is larger than its configured size, the oldest entry is removed unless it is at or after
 * the majority commit point (a lagging member or a rollback may still need it), it is the newest
 * entry (the oplog is never emptied), or it is younger than the minimum retention period (by its
 * wall-clock time).
 *
 * @param maxBytes the configured size
 * @param minRetentionMillis the minimum retention period ({@code minRetentionHours}), 0 for none
 */
public record OplogTruncationPolicy(long maxBytes, long minRetentionMillis) {

  /** The policy for a size in bytes and a retention period in (fractional) hours. */
  public static OplogTruncationPolicy of(long maxBytes, double minRetentionHours) {
    return new OplogTruncationPolicy(maxBytes, (long) (minRetentionHours * 3_600_000));
  }

  /**
   * Whether the oldest entry may be removed.
   *
   * @param usedBytes the oplog's size with that entry still in it
   * @param entryTs the entry's timestamp
   * @param entryWallMillis the entry's wall-clock time
   * @param commitPoint the majority commit point's timestamp (null or 0: none known)
   * @param newestTs the timestamp of the oplog's newest entry
   * @param nowMillis the current time
   */
  public boolean mayRemove(
      long usedBytes,
      BsonTimestamp entryTs,
      long entryWallMillis,
      BsonTimestamp commitPoint,
      BsonTimestamp newestTs,
      long nowMillis) {
    return usedBytes > maxBytes
        && commitPoint != null
        && entryTs.compareTo(commitPoint) < 0
        && entryTs.compareTo(newestTs) < 0
        && entryWallMillis <= nowMillis - minRetentionMillis;
  }
}
