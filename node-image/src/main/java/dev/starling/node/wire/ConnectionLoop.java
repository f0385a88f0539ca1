package dev.starling.node.wire;

import dev.starling.node.util.Log;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * One client connection, served by its own virtual thread: read a message, run it, write the reply,
 * repeat. Replies therefore keep request order, and a command that blocks parks only this
 * connection's virtual thread. A protocol violation closes this connection and nothing else.
 */
final class ConnectionLoop implements Runnable {
  private static final int BUFFER = 64 * 1024;
  private static final int INITIAL_MESSAGE_BUFFER = 1024 * 1024;

  private final Socket socket;
  private final ClientConnection connection;
  private final RequestHandler handler;
  private final ConnectionStats stats;

  ConnectionLoop(Socket socket, long id, RequestHandler handler, ConnectionStats stats) {
    this.socket = socket;
    this.connection = new ClientConnection(id, (InetSocketAddress) socket.getRemoteSocketAddress());
    this.handler = handler;
    this.stats = stats;
  }

  @Override
  public void run() {
    try (socket;
        InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER)) {
      byte[] message;
      while ((message = readMessage(in)) != null) {
        answer(message, out);
      }
    } catch (CloseConnectionException e) {
      Log.info("closing connection %d: %s", connection.id(), e.getMessage());
    } catch (MalformedMessageException e) {
      Log.info(
          "closing connection %d from %s: %s",
          connection.id(), connection.remoteAddress(), e.getMessage());
    } catch (IOException e) {
      // The client went away or the node is shutting down.
    } catch (RuntimeException | Error e) {
      Log.error(e, "connection %d failed; closing it", connection.id());
    } finally {
      stats.closed();
    }
  }

  /**
   * Answers one message: nothing when the client asked for no reply (moreToCome), one reply, or a
   * stream of them (an awaitable hello or a getMore with exhaust allowed, see {@link ExhaustHello}
   * and {@link ExhaustCursor}).
   */
  private void answer(byte[] message, OutputStream out) throws IOException {
    Request request;
    try {
      request = WireDecoder.decode(message);
    } catch (RejectedRequestException e) {
      if (e.error().error() == dev.starling.node.error.ErrorCode.LOCATION_5739101) {
        // mongod's reply to a legacy find (PyMongo 3.11's exhaust cursors send one): the error as
        // a failed query, with $err, code and ok, and no codeName.
        send(
            out,
            WireEncoder.queryFailure(
                e.requestId(),
                new BsonDocument("$err", new BsonString(e.getMessage()))
                    .append("code", new BsonInt32(e.error().code()))
                    .append("ok", new BsonDouble(0))));
        return;
      }
      send(out, WireEncoder.reply(e.opCode(), e.requestId(), errorReply(e)));
      return;
    }
    int responseTo = request.requestId();
    while (true) {
      BsonDocument reply;
      stats.requestStarted();
      try {
        reply = handler.handle(request, connection);
      } finally {
        stats.requestFinished();
      }
      if (request.moreToCome()) {
        return;
      }
      BsonDocument next = ExhaustHello.nextRequest(request, reply);
      if (next == null) {
        next = ExhaustCursor.nextRequest(request, reply);
      }
      byte[] bytes = WireEncoder.reply(request.opCode(), responseTo, reply, next != null);
      send(out, bytes);
      if (next == null) {
        return;
      }
      // The client reads the next reply without asking; it matches it to the reply just sent.
      responseTo = WireDecoder.intLE(bytes, 4);
      request =
          new Request(
              responseTo,
              request.opCode(),
              request.database(),
              next,
              false,
              request.exhaustAllowed());
    }
  }

  private static void send(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * The next whole message, or null at a clean end of stream. A length outside [16, 48 MB] is a
   * protocol violation, refused before any of the announced bytes are buffered.
   */
  private static byte[] readMessage(InputStream in) throws IOException {
    byte[] header = new byte[4];
    if (!readFully(in, header, 0, 4, true)) {
      return null;
    }
    int length = WireDecoder.intLE(header, 0);
    if (length < WireLimits.HEADER_SIZE || length > WireLimits.MAX_MESSAGE_SIZE) {
      throw new MalformedMessageException(
          "message length " + length + " is outside [16, " + WireLimits.MAX_MESSAGE_SIZE + "]");
    }
    // Grow the buffer as bytes arrive: a header alone must not make the node allocate 48 MB.
    byte[] message = new byte[Math.min(length, INITIAL_MESSAGE_BUFFER)];
    System.arraycopy(header, 0, message, 0, 4);
    int have = 4;
    while (have < length) {
      if (have == message.length) {
        message = java.util.Arrays.copyOf(message, (int) Math.min(length, 2L * message.length));
      }
      int chunk = message.length - have;
      readFully(in, message, have, chunk, false);
      have += chunk;
    }
    return message;
  }

  private static boolean readFully(InputStream in, byte[] b, int off, int len, boolean endOk)
      throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) {
        if (endOk && done == 0) {
          return false;
        }
        throw new EOFException("connection closed inside a message");
      }
      done += n;
    }
    return true;
  }

  private static BsonDocument errorReply(RejectedRequestException e) {
    return new BsonDocument("ok", new BsonDouble(0))
        .append("errmsg", new BsonString(e.getMessage()))
        .append("code", new BsonInt32(e.error().code()))
        .append("codeName", new BsonString(e.error().error().codeName()));
  }
}
