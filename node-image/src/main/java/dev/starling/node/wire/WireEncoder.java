package dev.starling.node.wire;

import dev.starling.node.bson.BsonCodec;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;

/** Encodes replies: OP_MSG for OP_MSG requests, OP_REPLY for the legacy OP_QUERY handshake. */
public final class WireEncoder {
  private static final AtomicInteger REQUEST_IDS = new AtomicInteger();

  private WireEncoder() {}

  /** OP_MSG flag bit 1: the sender will send another message without waiting for an answer. */
  static final int MORE_TO_COME = 1 << 1;

  /** The whole reply message, header included. */
  public static byte[] reply(int requestOpCode, int responseTo, BsonDocument body) {
    return reply(requestOpCode, responseTo, body, false);
  }

  /**
   * The whole reply message; with {@code moreToCome} (OP_MSG only) the client reads another reply
   * after it without sending a request (an exhaust stream).
   */
  public static byte[] reply(
      int requestOpCode, int responseTo, BsonDocument body, boolean moreToCome) {
    byte[] doc = BsonCodec.encode(body);
    if (requestOpCode == OpCode.OP_QUERY) {
      byte[] out = new byte[WireLimits.HEADER_SIZE + 20 + doc.length];
      int pos = header(out, responseTo, OpCode.OP_REPLY);
      pos = putInt(out, pos, 8); // responseFlags: AwaitCapable, as mongod sets it
      pos = putInt(out, pos, 0); // cursorID (8 bytes)
      pos = putInt(out, pos, 0);
      pos = putInt(out, pos, 0); // startingFrom
      pos = putInt(out, pos, 1); // numberReturned
      System.arraycopy(doc, 0, out, pos, doc.length);
      return out;
    }
    byte[] out = new byte[WireLimits.HEADER_SIZE + 4 + 1 + doc.length];
    int pos = header(out, responseTo, OpCode.OP_MSG);
    pos = putInt(out, pos, moreToCome ? MORE_TO_COME : 0); // flagBits
    out[pos++] = 0; // section kind 0: the body
    System.arraycopy(doc, 0, out, pos, doc.length);
    return out;
  }

  /** OP_REPLY responseFlags bit 1: the query failed and the document is {$err, code}. */
  private static final int QUERY_FAILURE = 1 << 1;

  /**
   * A failed legacy OP_QUERY: an OP_REPLY with the QueryFailure flag, as mongod answers a legacy
   * find, so that an old driver raises the error instead of reading it as a result document.
   */
  public static byte[] queryFailure(int responseTo, BsonDocument error) {
    byte[] doc = BsonCodec.encode(error);
    byte[] out = new byte[WireLimits.HEADER_SIZE + 20 + doc.length];
    int pos = header(out, responseTo, OpCode.OP_REPLY);
    pos = putInt(out, pos, QUERY_FAILURE | 8); // AwaitCapable, as mongod sets it
    pos = putInt(out, pos, 0); // cursorID (8 bytes)
    pos = putInt(out, pos, 0);
    pos = putInt(out, pos, 0); // startingFrom
    pos = putInt(out, pos, 1); // numberReturned
    System.arraycopy(doc, 0, out, pos, doc.length);
    return out;
  }

  private static int header(byte[] out, int responseTo, int opCode) {
    int pos = putInt(out, 0, out.length);
    pos = putInt(out, pos, REQUEST_IDS.incrementAndGet());
    pos = putInt(out, pos, responseTo);
    return putInt(out, pos, opCode);
  }

  private static int putInt(byte[] out, int pos, int value) {
    out[pos] = (byte) value;
    out[pos + 1] = (byte) (value >>> 8);
    out[pos + 2] = (byte) (value >>> 16);
    out[pos + 3] = (byte) (value >>> 24);
    return pos + 4;
  }
}
