package dev.starling.node.wire;

/** The size limits a MongoDB 6.0 server advertises in hello and enforces on the wire. */
public final class WireLimits {
  public static final int MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

  /** Commands may exceed a user document by this much (mongod's BSONObjMaxInternalSize). */
  public static final int MAX_COMMAND_SIZE = MAX_BSON_OBJECT_SIZE + 16 * 1024;

  public static final int MAX_MESSAGE_SIZE = 48_000_000;
  public static final int MAX_WRITE_BATCH_SIZE = 100_000;
  public static final int HEADER_SIZE = 16;

  private WireLimits() {}
}
