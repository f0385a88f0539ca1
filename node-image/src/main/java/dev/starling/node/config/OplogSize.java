package dev.starling.node.config;

/**
 * The oplog's size rules as mongod has them on WiredTiger: the default is 5% of the free disk space
 * of the dbpath, at least 990 MB and at most 50 GB; {@code replSetResizeOplog} takes 990 MB to 1 PB
 * (a lower minimum only for tests, see {@link #TEST_MINIMUM_PARAMETER}).
 */
public final class OplogSize {
  public static final long MB = 1024L * 1024;

  /** The smallest default and the smallest size {@code replSetResizeOplog} accepts, in MB. */
  public static final double MIN_MB = 990;

  /** The largest size {@code replSetResizeOplog} accepts: 1 PB, in MB. */
  public static final double MAX_MB = 1024.0 * 1024 * 1024;

  /** The largest default: 50 GB. */
  public static final long DEFAULT_MAX_BYTES = 50L * 1024 * MB;

  /**
   * The startup server parameter that lowers {@link #MIN_MB} (a double, in MB) so tests can shrink
   * a small oplog; honoured only with {@code enableTestCommands=1}.
   */
  public static final String TEST_MINIMUM_PARAMETER = "oplogMinSizeMBForTest";

  private OplogSize() {}

  /** mongod's default size for a dbpath with {@code freeBytes} free. */
  public static long defaultBytes(long freeBytes) {
    long fivePercent = (long) (freeBytes * 0.05);
    return Math.min(DEFAULT_MAX_BYTES, Math.max((long) (MIN_MB * MB), fivePercent));
  }

  /** A size in MB (a double, as replSetResizeOplog takes it) in bytes. */
  public static long bytes(double megabytes) {
    return (long) (megabytes * MB);
  }
}
