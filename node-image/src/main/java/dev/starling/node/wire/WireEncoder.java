package dev.starling.node.wire;

import dev.starling.node.bson.BsonCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;

/** Encodes replies: OP_MSG for OP_MSG requests, OP_REPLY for the legacy OP_QUERY handshake. */
public final class WireEncoder {
  private static final AtomicInteger REQUEST_IDS = new AtomicInteger();

  private WireEncoder() {}

  public static ByteBuf reply(
      ByteBufAllocator alloc, int requestOpCode, int responseTo, BsonDocument body) {
    byte[] doc = BsonCodec.encode(body);
    if (requestOpCode == OpCode.OP_QUERY) {
      return opReply(alloc, responseTo, doc);
    }
    int length = WireLimits.HEADER_SIZE + 4 + 1 + doc.length;
    ByteBuf out = alloc.buffer(length);
    header(out, length, responseTo, OpCode.OP_MSG);
    out.writeIntLE(0); // flagBits
    out.writeByte(0); // section kind 0: body
    out.writeBytes(doc);
    return out;
  }

  private static ByteBuf opReply(ByteBufAllocator alloc, int responseTo, byte[] doc) {
    int length = WireLimits.HEADER_SIZE + 20 + doc.length;
    ByteBuf out = alloc.buffer(length);
    header(out, length, responseTo, OpCode.OP_REPLY);
    out.writeIntLE(8); // responseFlags: AwaitCapable, as mongod sets it
    out.writeLongLE(0); // cursorID
    out.writeIntLE(0); // startingFrom
    out.writeIntLE(1); // numberReturned
    out.writeBytes(doc);
    return out;
  }

  private static void header(ByteBuf out, int length, int responseTo, int opCode) {
    out.writeIntLE(length);
    out.writeIntLE(REQUEST_IDS.incrementAndGet());
    out.writeIntLE(responseTo);
    out.writeIntLE(opCode);
  }
}
