package dev.starling.node.spec;

import com.mongodb.client.MongoClient;
import com.mongodb.event.ConnectionCheckedInEvent;
import com.mongodb.event.ConnectionCheckedOutEvent;
import com.mongodb.event.ConnectionPoolListener;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client entity: the driver's client, the commands it observed, its checked-out count and whether
 * it retries reads (for the helpers the runner implements itself).
 */
final class ClientEntity implements AutoCloseable {
  private final MongoClient client;
  private final CommandRecorder recorder;
  private final ConnectionCounter connections;
  private final boolean retryReads;

  ClientEntity(
      MongoClient client,
      CommandRecorder recorder,
      ConnectionCounter connections,
      boolean retryReads) {
    this.client = client;
    this.recorder = recorder;
    this.connections = connections;
    this.retryReads = retryReads;
  }

  boolean retryReads() {
    return retryReads;
  }

  MongoClient client() {
    return client;
  }

  CommandRecorder recorder() {
    return recorder;
  }

  int connectionsCheckedOut() {
    return connections.checkedOut.get();
  }

  @Override
  public void close() {
    client.close();
  }

  /** Counts connections checked out of the client's pools and not yet checked in. */
  static final class ConnectionCounter implements ConnectionPoolListener {
    private final AtomicInteger checkedOut = new AtomicInteger();

    @Override
    public void connectionCheckedOut(ConnectionCheckedOutEvent event) {
      checkedOut.incrementAndGet();
    }

    @Override
    public void connectionCheckedIn(ConnectionCheckedInEvent event) {
      checkedOut.decrementAndGet();
    }
  }
}
