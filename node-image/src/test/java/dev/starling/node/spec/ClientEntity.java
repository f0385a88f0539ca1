package dev.starling.node.spec;

import com.mongodb.client.MongoClient;
import com.mongodb.event.ConnectionCheckedInEvent;
import com.mongodb.event.ConnectionCheckedOutEvent;
import com.mongodb.event.ConnectionPoolListener;
import java.util.concurrent.atomic.AtomicInteger;

/** A client entity: the driver's client, the commands it observed and its checked-out count. */
final class ClientEntity implements AutoCloseable {
  private final MongoClient client;
  private final CommandRecorder recorder;
  private final ConnectionCounter connections;

  ClientEntity(MongoClient client, CommandRecorder recorder, ConnectionCounter connections) {
    this.client = client;
    this.recorder = recorder;
    this.connections = connections;
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
