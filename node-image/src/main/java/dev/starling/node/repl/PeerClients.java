package dev.starling.node.repl;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ClusterConnectionMode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;

/**
 * Node-to-node calls over the MongoDB Java sync driver: one client per peer, directly connected (no
 * discovery), each call bounded by its own timeout.
 */
public final class PeerClients implements PeerCaller, AutoCloseable {
  /** The application name of the members' connections to each other (hello's client metadata). */
  public static final String APPLICATION_NAME = "starling-replication";

  private final Map<String, MongoClient> clients;
  private volatile boolean closed;
  private final java.util.function.BooleanSupplier dropTraffic;

  /** For a view made by {@link #cancellableBy}: its calls go through this slot; else null. */
  private final PeerCallSlot slot;

  private final PeerClients owner;

  /**
   * @param dropTraffic while true, every call fails as if the network were cut (a fail point)
   */
  public PeerClients(java.util.function.BooleanSupplier dropTraffic) {
    this.clients = new ConcurrentHashMap<>();
    this.dropTraffic = dropTraffic;
    this.slot = null;
    this.owner = null;
  }

  private PeerClients(PeerClients owner, PeerCallSlot slot) {
    this.clients = owner.clients;
    this.dropTraffic = owner.dropTraffic;
    this.slot = slot;
    this.owner = owner;
  }

  /**
   * The same clients, with every call made through {@code slot}, so that cancelling the slot's
   * member cuts short whatever a multi-call task (a rollback) is waiting for.
   */
  PeerClients cancellableBy(PeerCallSlot slot) {
    return new PeerClients(this, slot);
  }

  /** Runs {@code command} on {@code host}'s {@code db}; the reply, or the driver's exception. */
  @Override
  public BsonDocument call(String host, String db, BsonDocument command, long timeoutMillis) {
    return through(
        () ->
            client(host)
                .getDatabase(db)
                .withTimeout(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS)
                .runCommand(command, BsonDocument.class),
        host);
  }

  /**
   * Runs a read {@code command} on {@code host}'s {@code db} with a secondary-friendly read
   * preference, so a sync source that is a secondary serves it.
   */
  public BsonDocument read(String host, String db, BsonDocument command, long timeoutMillis) {
    return through(
        () ->
            client(host)
                .getDatabase(db)
                .withTimeout(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS)
                .runCommand(
                    command, com.mongodb.ReadPreference.primaryPreferred(), BsonDocument.class),
        host);
  }

  private BsonDocument through(java.util.function.Supplier<BsonDocument> call, String host) {
    if (dropTraffic.getAsBoolean()) {
      throw new com.mongodb.MongoSocketException(
          "replication traffic is dropped by a fail point", new com.mongodb.ServerAddress(host));
    }
    return slot == null ? call.get() : slot.call(call);
  }

  /**
   * Whether {@code host} refuses TCP connections right now: its process is gone (a paused or
   * partitioned process still accepts, or times out). Peers use this to tell a dead primary from a
   * silent one, and hold an election at once for the first.
   */
  public static boolean refusesConnections(String host, int timeoutMillis) {
    int colon = host.lastIndexOf(':');
    String name = colon < 0 ? host : host.substring(0, colon);
    int port = colon < 0 ? 27017 : Integer.parseInt(host.substring(colon + 1));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(name, port), timeoutMillis);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private MongoClient client(String host) {
    if (owner != null) {
      return owner.client(host);
    }
    if (closed) {
      throw new IllegalStateException("peer clients are closed");
    }
    return clients.computeIfAbsent(host, PeerClients::open);
  }

  private static MongoClient open(String host) {
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString("mongodb://" + host))
            .applyToClusterSettings(
                b ->
                    b.hosts(List.of(new com.mongodb.ServerAddress(host)))
                        .mode(ClusterConnectionMode.SINGLE))
            .applyToServerSettings(
                b ->
                    b.heartbeatFrequency(1000, TimeUnit.MILLISECONDS)
                        .minHeartbeatFrequency(100, TimeUnit.MILLISECONDS))
            .applyToSocketSettings(b -> b.connectTimeout(2000, TimeUnit.MILLISECONDS))
            .applicationName(APPLICATION_NAME)
            .build();
    return MongoClients.create(settings);
  }

  /** Drops the client of a host no longer in the config. */
  public void forget(String host) {
    MongoClient client = clients.remove(host);
    if (client != null) {
      client.close();
    }
  }

  @Override
  public void close() {
    if (owner != null) {
      return; // a view: the owner closes the clients
    }
    closed = true;
    clients.values().forEach(MongoClient::close);
    clients.clear();
  }
}
