package dev.starling.node.spec;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The operations a test addresses to {@code testRunner}: fail points, assertions on sessions, on
 * the lsids of the last commands, on collections and indexes, and creating more entities. It
 * remembers every fail point a test set so that they can be turned off when the test ends.
 */
final class RunnerOperations {
  private final Entities entities;
  private final Deployment deployment;
  private final Topology topology;
  private final Set<String> failPoints = new LinkedHashSet<>();

  RunnerOperations(Entities entities, Deployment deployment, Topology topology) {
    this.entities = entities;
    this.deployment = deployment;
    this.topology = topology;
  }

  Object run(String name, Arguments args, Operations operations) {
    switch (name) {
      case "failPoint" -> {
        ClientEntity client = entities.client(args.required("client").asString().getValue());
        BsonDocument failPoint = args.required("failPoint").asDocument();
        failPoints.add(failPoint.getString("configureFailPoint").getValue());
        client.client().getDatabase("admin").runCommand(failPoint, BsonDocument.class);
      }
      case "targetedFailPoint" -> {
        ClientSession session = entities.session(args.required("session").asString().getValue());
        args.required("failPoint");
        if (session.getPinnedServerAddress() == null) {
          throw new AssertionError("targetedFailPoint: the session is not pinned to a server");
        }
        throw Unsupported.operation("targetedFailPoint");
      }
      case "assertSessionPinned", "assertSessionUnpinned" -> {
        ClientSession session = entities.session(args.required("session").asString().getValue());
        boolean pinned = session.getPinnedServerAddress() != null;
        if (pinned != name.equals("assertSessionPinned")) {
          throw new AssertionError("the session is " + (pinned ? "" : "not ") + "pinned");
        }
      }
      case "assertSessionTransactionState" -> {
        ClientSession session = entities.session(args.required("session").asString().getValue());
        String want = args.required("state").asString().getValue();
        String state = transactionState(session);
        if (!want.equals(state)) {
          throw new AssertionError("transaction state is " + state + ", expected " + want);
        }
      }
      case "assertSessionDirty", "assertSessionNotDirty" -> {
        ClientSession session = entities.session(args.required("session").asString().getValue());
        boolean dirty = session.getServerSession().isMarkedDirty();
        if (dirty != name.equals("assertSessionDirty")) {
          throw new AssertionError("the session is " + (dirty ? "" : "not ") + "dirty");
        }
      }
      case "assertSameLsidOnLastTwoCommands", "assertDifferentLsidOnLastTwoCommands" -> {
        ClientEntity client = entities.client(args.required("client").asString().getValue());
        List<CommandRecorder.Event> started = client.recorder().startedEvents();
        if (started.size() < 2) {
          throw new AssertionError("fewer than two commands observed");
        }
        BsonValue last = started.get(started.size() - 1).command().get("lsid");
        BsonValue before = started.get(started.size() - 2).command().get("lsid");
        boolean same = last != null && last.equals(before);
        if (same != name.equals("assertSameLsidOnLastTwoCommands")) {
          throw new AssertionError("lsids of the last two commands: " + before + " and " + last);
        }
      }
      case "assertCollectionExists", "assertCollectionNotExists" -> {
        String database = args.required("databaseName").asString().getValue();
        String collection = args.required("collectionName").asString().getValue();
        boolean exists =
            internal()
                .getDatabase(database)
                .listCollectionNames()
                .into(new ArrayList<>())
                .contains(collection);
        if (exists != name.equals("assertCollectionExists")) {
          throw new AssertionError(
              database + "." + collection + (exists ? " exists" : " does not exist"));
        }
      }
      case "assertIndexExists", "assertIndexNotExists" -> {
        String database = args.required("databaseName").asString().getValue();
        String collection = args.required("collectionName").asString().getValue();
        String index = args.required("indexName").asString().getValue();
        boolean exists = false;
        for (BsonDocument spec :
            internal()
                .getDatabase(database)
                .getCollection(collection)
                .listIndexes(BsonDocument.class)) {
          exists |= spec.getString("name").getValue().equals(index);
        }
        if (exists != name.equals("assertIndexExists")) {
          throw new AssertionError("index " + index + (exists ? " exists" : " does not exist"));
        }
      }
      case "assertNumberConnectionsCheckedOut" -> {
        ClientEntity client = entities.client(args.required("client").asString().getValue());
        int want = args.required("connections").asNumber().intValue();
        if (client.connectionsCheckedOut() != want) {
          throw new AssertionError(
              client.connectionsCheckedOut() + " connections checked out, expected " + want);
        }
      }
      case "createEntities" -> entities.createAll(args.required("entities").asArray());
      default -> throw Unsupported.operation(name);
    }
    return null;
  }

  private MongoClient internal() {
    return deployment.internalClient(topology);
  }

  /** Turns off every fail point this test set, on every server of its topology. */
  void turnOffFailPoints() {
    for (String name : failPoints) {
      deployment.failPointOff(topology, name);
    }
  }

  /**
   * The session's transaction state in the format's words. The driver does not publish it, so it is
   * read from the session's fields; "starting" is a transaction no command was sent in yet.
   */
  private static String transactionState(ClientSession session) {
    try {
      Object state = field(session, "transactionState");
      boolean sent = (Boolean) field(session, "messageSentInCurrentTransaction");
      return switch (state.toString()) {
        case "NONE" -> "none";
        case "IN" -> sent ? "in_progress" : "starting";
        case "COMMITTED" -> "committed";
        case "ABORTED" -> "aborted";
        default -> state.toString();
      };
    } catch (ReflectiveOperationException e) {
      throw new Unsupported("unsupported operation: assertSessionTransactionState (" + e + ")");
    }
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // Look in the superclass.
      }
    }
    throw new NoSuchFieldException(name);
  }
}
