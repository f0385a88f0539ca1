package dev.starling.node.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into whole messages by their little-endian length prefix. A length below the
 * header size or above {@link WireLimits#MAX_MESSAGE_SIZE} is a protocol violation: the connection
 * is closed, as mongod does, before any of the announced bytes are buffered.
 */
public final class MessageFramer extends ByteToMessageDecoder {
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getIntLE(in.readerIndex());
    if (length < WireLimits.HEADER_SIZE || length > WireLimits.MAX_MESSAGE_SIZE) {
      in.skipBytes(in.readableBytes());
      throw new MalformedMessageException(
          "message length " + length + " is outside [16, " + WireLimits.MAX_MESSAGE_SIZE + "]");
    }
    if (in.readableBytes() < length) {
      return;
    }
    out.add(in.readRetainedSlice(length));
  }
}
