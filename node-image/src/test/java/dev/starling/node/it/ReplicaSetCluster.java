package dev.starling.node.it;

import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;

/**
 * N starling-node processes on loopback started with {@code --replSet rs0}, initiated as one set
 * whose members are named {@code 127.0.0.1:<port>}. Tests kill, stop and restart members through
 * {@link #node(int)}.
 */
public final class ReplicaSetCluster implements AutoCloseable {
  public static final String SET = "rs0";

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<MongoClient> directClients = new ArrayList<>();

  private ReplicaSetCluster() {}

  /** Starts {@code size} members; call {@link #initiate} next. */
  public static ReplicaSetCluster start(String name, int size, String... extraArgs) {
    ReplicaSetCluster cluster = new ReplicaSetCluster();
    try {
      for (int i = 0; i < size; i++) {
        List<String> args = new ArrayList<>(List.of("--replSet", SET, "--bind_ip", "127.0.0.1"));
        args.addAll(List.of(extraArgs));
        cluster.nodes.add(NodeProcess.start(name + "-" + i, args.toArray(String[]::new)));
      }
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts and initiates {@code size} members, and waits for a primary and all secondaries. */
  public static ReplicaSetCluster startInitiated(
      String name, int size, long electionTimeoutMillis, String... extraArgs) {
    ReplicaSetCluster cluster = start(name, size, extraArgs);
    try {
      cluster.initiate(electionTimeoutMillis);
      cluster.awaitPrimary();
      cluster.awaitSecondaries(size - 1);
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public String host(int i) {
    return "127.0.0.1:" + nodes.get(i).port();
  }

  public NodeProcess node(int i) {
    return nodes.get(i);
  }

  public int size() {
    return nodes.size();
  }

  /** Every member's index but {@code member}'s, ascending. */
  public List<Integer> others(int member) {
    return java.util.stream.IntStream.range(0, nodes.size())
        .filter(i -> i != member)
        .boxed()
        .toList();
  }

  /** The config replSetInitiate gets: every member, priority 1. */
  public Document config(long electionTimeoutMillis) {
    List<Document> members = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      members.add(new Document("_id", i).append("host", host(i)));
    }
    return new Document("_id", SET)
        .append("members", members)
        .append("settings", new Document("electionTimeoutMillis", electionTimeoutMillis));
  }

  public void initiate(long electionTimeoutMillis) {
    initiate(config(electionTimeoutMillis));
  }

  /** replSetInitiate on member 0 with {@code config} (see {@link #member}). */
  public void initiate(Document config) {
    direct(0).getDatabase("admin").runCommand(new Document("replSetInitiate", config));
  }

  /** Member {@code i}'s entry for a config: {@code {_id: i, host}} plus {@code options}. */
  public Document member(int i, Document options) {
    Document m = new Document("_id", i).append("host", host(i));
    m.putAll(options);
    return m;
  }

  /** A new logical session id, as a driver makes one. */
  public static org.bson.BsonDocument newLsid() {
    return new org.bson.BsonDocument(
        "id",
        new org.bson.BsonBinary(java.util.UUID.randomUUID(), org.bson.UuidRepresentation.STANDARD));
  }

  /**
   * {@code command} on database {@code db} of member {@code i}, sent over the wire as a driver
   * sends a retryable write: with {@code lsid}, {@code txnNumber} and {@code writeConcern: {w}}.
   */
  public org.bson.BsonDocument retryableWrite(
      int i,
      String db,
      org.bson.BsonDocument command,
      org.bson.BsonDocument lsid,
      long txnNumber,
      org.bson.BsonValue w)
      throws java.io.IOException {
    org.bson.BsonDocument sent =
        command
            .clone()
            .append("lsid", lsid)
            .append("txnNumber", new org.bson.BsonInt64(txnNumber))
            .append("writeConcern", new org.bson.BsonDocument("w", w))
            .append("$db", new org.bson.BsonString(db));
    try (Wire wire = Wire.connect(node(i).port())) {
      return wire.command(sent);
    }
  }

  /** The replica-set status as member {@code i} sees it. */
  public Document status(int i) {
    return direct(i).getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
  }

  /** A client connected straight to member {@code i} (no discovery). */
  public MongoClient direct(int i) {
    while (directClients.size() <= i) {
      directClients.add(null);
    }
    if (directClients.get(i) == null) {
      directClients.set(
          i,
          MongoClients.create(
              MongoClientSettings.builder()
                  .applyConnectionString(
                      new ConnectionString(
                          "mongodb://"
                              + host(i)
                              + "/?directConnection=true&readPreference=primaryPreferred"))
                  .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                  .applyToSocketSettings(b -> b.readTimeout(30, TimeUnit.SECONDS))
                  .build()));
    }
    return directClients.get(i);
  }

  /** A replica-set client over every member. */
  public MongoClient client(String options) {
    String hosts =
        java.util.stream.IntStream.range(0, nodes.size())
            .mapToObj(this::host)
            .collect(Collectors.joining(","));
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(
                new ConnectionString(
                    "mongodb://"
                        + hosts
                        + "/?replicaSet="
                        + SET
                        + (options.isEmpty() ? "" : "&" + options)))
            .applyToClusterSettings(b -> b.serverSelectionTimeout(20, TimeUnit.SECONDS))
            .build());
  }

  /** hello from member {@code i}, or empty when it does not answer. */
  public Optional<Document> hello(int i) {
    if (!nodes.get(i).isAlive()) {
      return Optional.empty();
    }
    try {
      return Optional.of(direct(i).getDatabase("admin").runCommand(new Document("hello", 1)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public boolean isPrimary(int i) {
    return hello(i).map(h -> h.getBoolean("isWritablePrimary", false)).orElse(false);
  }

  public boolean isSecondary(int i) {
    return hello(i).map(h -> h.getBoolean("secondary", false)).orElse(false);
  }

  /** Waits (30 s) for a member to be writable primary; returns its index. */
  public int awaitPrimary() {
    return awaitPrimaryAmong(java.util.stream.IntStream.range(0, nodes.size()).boxed().toList());
  }

  public int awaitPrimaryAmong(List<Integer> candidates) {
    int[] found = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              for (int i : candidates) {
                if (isPrimary(i)) {
                  found[0] = i;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  public void awaitSecondaries(int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                java.util.stream.IntStream.range(0, nodes.size()).filter(this::isSecondary).count()
                    >= count);
  }

  /** dbHash of {@code db} on member {@code i} (a secondary read). */
  public String dbHash(int i, String db) {
    return direct(i).getDatabase(db).runCommand(new Document("dbHash", 1)).getString("md5");
  }

  @Override
  public void close() {
    for (MongoClient c : directClients) {
      if (c != null) {
        c.close();
      }
    }
    for (NodeProcess n : nodes) {
      n.close();
    }
  }
}
