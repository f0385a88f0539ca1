package dev.starling.operator.observe;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * The operator's administrative connection to each member: one cached {@link MongoClient} per host
 * with {@code directConnection=true}, so a command goes to that member whatever its state, with
 * short timeouts, so a member that hangs costs a reconcile seconds, not minutes. Thread-safe: the
 * observer calls every member at once from virtual threads.
 */
public class NodeAdminClient implements NodeAdmin {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(2);

  /**
   * A step-down waits up to its catch-up period, and a reconfig until a majority has the new
   * config: more than the socket timeout of an observation.
   */
  static final Duration ACTION_TIMEOUT = Duration.ofSeconds(30);

  static {
    // Pods move: a restarted member comes back with a new address under the same name. The JVM
    // would otherwise keep a name's answer 30 s, and a "no such name" 10 s.
    Security.setProperty("networkaddress.cache.ttl", "5");
    Security.setProperty("networkaddress.cache.negative.ttl", "1");
  }

  /**
   * An owner (a ReplicaSet) that has not observed its members for this long is gone: deleted, or no
   * longer this operator's. Every live set observes at least once a minute.
   */
  static final Duration OWNER_EXPIRY = Duration.ofMinutes(10);

  private final Map<String, MongoClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Owner> owners = new HashMap<>();
  private final Clock clock;

  private record Owner(Set<String> hosts, Instant seen) {}

  public NodeAdminClient(Clock clock) {
    this.clock = clock;
  }

  @Override
  public BsonDocument hello(String host) {
    return admin(host).runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class);
  }

  @Override
  public BsonDocument replSetGetStatus(String host) {
    return admin(host)
        .runCommand(new BsonDocument("replSetGetStatus", new BsonInt32(1)), BsonDocument.class);
  }

  @Override
  public BsonDocument replSetGetConfig(String host) {
    BsonDocument reply =
        admin(host)
            .runCommand(
                new BsonDocument("replSetGetConfig", new BsonInt32(1))
                    .append("$_internalIncludeNewlyAdded", BsonBoolean.TRUE),
                BsonDocument.class);
    return reply.getDocument("config");
  }

  @Override
  public BsonDocument oplogStats(String host) {
    return client(host)
        .getDatabase("local")
        .withReadPreference(ReadPreference.primaryPreferred())
        .runCommand(new BsonDocument("collStats", new BsonString("oplog.rs")), BsonDocument.class);
  }

  @Override
  public BsonDocument getDefaultRWConcern(String host) {
    return admin(host)
        .runCommand(new BsonDocument("getDefaultRWConcern", new BsonInt32(1)), BsonDocument.class);
  }

  @Override
  public void replSetInitiate(String host, BsonDocument config) {
    action(host).runCommand(new BsonDocument("replSetInitiate", config), BsonDocument.class);
  }

  @Override
  public void replSetReconfig(String host, BsonDocument config) {
    action(host).runCommand(new BsonDocument("replSetReconfig", config), BsonDocument.class);
  }

  @Override
  public void replSetStepDown(String host, int stepDownSecs, int secondaryCatchUpPeriodSecs) {
    action(host)
        .runCommand(
            new BsonDocument("replSetStepDown", new BsonInt32(stepDownSecs))
                .append("secondaryCatchUpPeriodSecs", new BsonInt32(secondaryCatchUpPeriodSecs))
                .append("force", BsonBoolean.FALSE),
            BsonDocument.class);
  }

  @Override
  public void replSetResizeOplog(String host, int sizeMB) {
    action(host)
        .runCommand(
            new BsonDocument("replSetResizeOplog", new BsonInt32(1))
                .append("size", new BsonDouble(sizeMB)),
            BsonDocument.class);
  }

  @Override
  public void setDefaultWriteConcern(String host, BsonDocument writeConcern) {
    action(host)
        .runCommand(
            new BsonDocument("setDefaultRWConcern", new BsonInt32(1))
                .append("defaultWriteConcern", writeConcern),
            BsonDocument.class);
  }

  /**
   * The hosts {@code owner} (a ReplicaSet) talks to now, claimed before it talks to them. The
   * clients of hosts that no owner wants any more are closed: a member removed by a scale-down, the
   * members of a deleted set (whose owner stops calling, and expires after {@link #OWNER_EXPIRY}).
   */
  @Override
  public void retain(String owner, Set<String> hosts) {
    Instant now = clock.instant();
    Set<String> gone;
    synchronized (owners) {
      owners.put(owner, new Owner(Set.copyOf(hosts), now));
      owners.values().removeIf(o -> o.seen().plus(OWNER_EXPIRY).isBefore(now));
      Set<String> wanted = new HashSet<>();
      owners.values().forEach(o -> wanted.addAll(o.hosts()));
      gone = new HashSet<>(clients.keySet());
      gone.removeAll(wanted);
    }
    gone.forEach(this::closeClient);
  }

  /** The hosts with an open client, for tests and metrics. */
  public Set<String> openHosts() {
    return Set.copyOf(clients.keySet());
  }

  private void closeClient(String host) {
    MongoClient c = clients.remove(host);
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void close() {
    Set.copyOf(clients.keySet()).forEach(this::closeClient);
  }

  private MongoDatabase admin(String host) {
    return client(host).getDatabase("admin").withReadPreference(ReadPreference.primaryPreferred());
  }

  private MongoDatabase action(String host) {
    return admin(host).withTimeout(ACTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  MongoClient client(String host) {
    return clients.computeIfAbsent(host, NodeAdminClient::connect);
  }

  private static MongoClient connect(String host) {
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(
                new ConnectionString("mongodb://" + host + "/?directConnection=true"))
            .applyToClusterSettings(
                c ->
                    c.serverSelectionTimeout(
                        SERVER_SELECTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            .applyToSocketSettings(
                s ->
                    s.connectTimeout((int) CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) SOCKET_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            .applyToConnectionPoolSettings(p -> p.maxSize(4).minSize(0))
            .retryWrites(false)
            .retryReads(false)
            .applicationName("starling-operator")
            .build();
    return MongoClients.create(settings);
  }
}
