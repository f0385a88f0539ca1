package dev.starling.node.wire;

import dev.starling.node.util.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP listener: one virtual thread accepts on each address and starts one virtual thread per
 * connection ({@link ConnectionLoop}), which uses plain blocking socket I/O, as mongod uses a
 * thread per connection.
 */
public final class WireServer implements AutoCloseable {
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final ConnectionStats stats = new ConnectionStats();
  private volatile boolean closed;

  public ConnectionStats stats() {
    return stats;
  }

  /** Binds every address; throws if one cannot be bound (the port in use, say). */
  public void start(List<InetSocketAddress> addresses, RequestHandler handler) throws IOException {
    for (InetSocketAddress address : addresses) {
      ServerSocket listener = new ServerSocket();
      listener.setReuseAddress(true);
      listener.bind(address, 1024);
      listeners.add(listener);
      Thread.ofVirtual().name("accept " + address).start(() -> accept(listener, handler));
    }
  }

  private void accept(ServerSocket listener, RequestHandler handler) {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          Log.warn("accept on %s failed: %s", listener.getLocalSocketAddress(), e.getMessage());
          pauseAfterAcceptFailure();
        }
        continue;
      }
      try {
        socket.setTcpNoDelay(true);
      } catch (IOException e) {
        // keep the connection; only latency suffers
      }
      clients.add(socket);
      long id = stats.opened();
      Thread.ofVirtual()
          .name("conn" + id)
          .start(
              () -> {
                try {
                  new ConnectionLoop(socket, id, handler, stats).run();
                } finally {
                  clients.remove(socket);
                }
              });
    }
  }

  /** Out of file descriptors, say: retrying at once would only spin and flood the log. */
  private static void pauseAfterAcceptFailure() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops accepting, then closes every client connection. */
  @Override
  public void close() {
    closed = true;
    for (ServerSocket listener : listeners) {
      closeQuietly(listener);
    }
    for (Socket client : clients) {
      closeQuietly(client);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
