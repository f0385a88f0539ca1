package dev.starling.node.spec;

import com.mongodb.client.MongoClient;
import dev.starling.node.it.NodeProcess;
import dev.starling.node.it.ReplicaSetCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;

/**
 * The servers under test, started once for a whole run: one standalone node and one three-member
 * replica set, both with test commands enabled so that fail points work. It hands out connection
 * strings for client entities and internal clients for the runner's own work (initial data,
 * outcomes, turning fail points off).
 */
final class Deployment implements AutoCloseable {
  /** The version starling-node reports in buildInfo. */
  static final String SERVER_VERSION = "6.0.0";

  private static final String TEST_COMMANDS = "enableTestCommands=1";

  private final NodeProcess single;
  private final ReplicaSetCluster replicaSet;
  private final MongoClient singleClient;
  private final MongoClient replicaSetClient;
  private final Map<String, BsonValue> parameterCache = new HashMap<>();

  private Deployment(NodeProcess single, ReplicaSetCluster replicaSet) {
    this.single = single;
    this.replicaSet = replicaSet;
    this.singleClient = single.client();
    this.replicaSetClient = replicaSet.client("w=majority&readConcernLevel=local");
  }

  static Deployment start() {
    NodeProcess single = NodeProcess.start("spec-single", "--setParameter", TEST_COMMANDS);
    try {
      ReplicaSetCluster set =
          ReplicaSetCluster.startInitiated("spec-rs", 3, 1000, "--setParameter", TEST_COMMANDS);
      return new Deployment(single, set);
    } catch (RuntimeException | Error e) {
      single.close();
      throw e;
    }
  }

  /** A connection string to which options can be appended with {@code &}. */
  String uri(Topology topology) {
    if (topology == Topology.SINGLE) {
      return "mongodb://127.0.0.1:" + single.port() + "/?directConnection=true";
    }
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < replicaSet.size(); i++) {
      hosts.add(replicaSet.host(i));
    }
    return "mongodb://" + String.join(",", hosts) + "/?replicaSet=" + ReplicaSetCluster.SET;
  }

  /** The runner's own client: primary reads, majority writes on the replica set. */
  MongoClient internalClient(Topology topology) {
    return topology == Topology.SINGLE ? singleClient : replicaSetClient;
  }

  /** One direct client per server of the topology, to reach each with configureFailPoint. */
  List<MongoClient> servers(Topology topology) {
    if (topology == Topology.SINGLE) {
      return List.of(singleClient);
    }
    List<MongoClient> clients = new ArrayList<>();
    for (int i = 0; i < replicaSet.size(); i++) {
      clients.add(replicaSet.direct(i));
    }
    return clients;
  }

  /** A server parameter as getParameter reports it, or null when the server does not know it. */
  synchronized BsonValue serverParameter(Topology topology, String name) {
    String key = topology + "/" + name;
    if (!parameterCache.containsKey(key)) {
      BsonValue value;
      try {
        BsonDocument reply =
            internalClient(topology)
                .getDatabase("admin")
                .runCommand(new Document("getParameter", 1).append(name, 1), BsonDocument.class);
        value = reply.get(name);
      } catch (RuntimeException e) {
        value = null;
      }
      parameterCache.put(key, value);
    }
    return parameterCache.get(key);
  }

  /** Turns fail point {@code name} off on every server of the topology. */
  void failPointOff(Topology topology, String name) {
    for (MongoClient server : servers(topology)) {
      try {
        server
            .getDatabase("admin")
            .runCommand(
                new Document("configureFailPoint", name).append("mode", "off"), BsonDocument.class);
      } catch (RuntimeException e) {
        // A member that is not reachable has no fail point to clear for this run's purposes.
      }
    }
  }

  @Override
  public void close() {
    singleClient.close();
    replicaSetClient.close();
    replicaSet.close();
    single.close();
  }
}
