package dev.starling.node.wire;

import dev.starling.node.server.Log;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * One client connection. Messages are decoded on the event loop and run, one after another, on this
 * connection's own virtual thread, so a blocking command never stalls I/O and replies keep request
 * order. A protocol violation closes this connection only.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private final RequestHandler handler;
  private final ConnectionStats stats;
  private ClientConnection connection;
  private ExecutorService worker;

  public ConnectionHandler(RequestHandler handler, ConnectionStats stats) {
    this.handler = handler;
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    long id = stats.opened();
    connection = new ClientConnection(id, (InetSocketAddress) ctx.channel().remoteAddress());
    worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("conn" + id).factory());
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stats.closed();
    worker.shutdown();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    Request request;
    try {
      request = WireDecoder.decode(frame);
    } catch (RejectedRequestException e) {
      BsonDocument error = errorReply(e);
      submit(ctx, () -> write(ctx, e.opCode(), e.requestId(), error));
      return;
    } catch (MalformedMessageException e) {
      Log.info(
          "closing connection %d from %s: %s",
          connection.id(), connection.remoteAddress(), e.getMessage());
      ctx.close();
      return;
    } finally {
      frame.release();
    }
    submit(ctx, () -> run(ctx, request));
  }

  private void run(ChannelHandlerContext ctx, Request request) {
    stats.requestStarted();
    try {
      BsonDocument reply = handler.handle(request, connection);
      if (!request.moreToCome()) {
        write(ctx, request.opCode(), request.requestId(), reply);
      }
    } finally {
      stats.requestFinished();
    }
  }

  private void submit(ChannelHandlerContext ctx, Runnable task) {
    try {
      worker.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException | Error e) {
              Log.error(
                  e, "connection %d: request failed; closing the connection", connection.id());
              ctx.close();
            }
          });
    } catch (RejectedExecutionException e) {
      ctx.close();
    }
  }

  private static void write(
      ChannelHandlerContext ctx, int opCode, int responseTo, BsonDocument reply) {
    ByteBuf out = WireEncoder.reply(ctx.alloc(), opCode, responseTo, reply);
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  private static BsonDocument errorReply(RejectedRequestException e) {
    return new BsonDocument("ok", new BsonDouble(0))
        .append("errmsg", new BsonString(e.getMessage()))
        .append("code", new BsonInt32(e.error().code()))
        .append("codeName", new BsonString(e.error().error().codeName()));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof MalformedMessageException
        || cause.getCause() instanceof MalformedMessageException) {
      Log.info("closing connection %d: %s", connection.id(), cause.getMessage());
    } else if (!(cause instanceof java.io.IOException)) {
      Log.error(cause, "connection %d failed", connection.id());
    }
    ctx.close();
  }
}
