package dev.starling.node.wire;

/** The wire protocol opcodes a MongoDB 6.0 server still understands. */
public final class OpCode {
  public static final int OP_REPLY = 1;
  public static final int OP_QUERY = 2004;
  public static final int OP_COMPRESSED = 2012;
  public static final int OP_MSG = 2013;

  private OpCode() {}
}
