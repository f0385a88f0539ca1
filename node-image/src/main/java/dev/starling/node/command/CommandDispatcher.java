package dev.starling.node.command;

import dev.starling.node.command.repl.ReplicaSetGate;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.RetryableWrites;
import dev.starling.node.util.Log;
import dev.starling.node.wire.ClientConnection;
import dev.starling.node.wire.CloseConnectionException;
import dev.starling.node.wire.OpCode;
import dev.starling.node.wire.Request;
import dev.starling.node.wire.RequestHandler;
import org.bson.BsonDocument;

/**
 * Runs a request's command: finds it in the registry, runs it, and turns every failure into
 * MongoDB's error reply. Nothing a client sends escapes as an exception.
 */
public final class CommandDispatcher implements RequestHandler {
  /** How often a read runs when its collection keeps being replaced under it. */
  private static final int READ_ATTEMPTS = 3;

  /** Errors that say this member's replication state does not allow the command. */
  private static final java.util.Set<ErrorCode> STATE_CHANGE_ERRORS =
      java.util.EnumSet.of(
          ErrorCode.NOT_WRITABLE_PRIMARY,
          ErrorCode.NOT_PRIMARY_NO_SECONDARY_OK,
          ErrorCode.NOT_PRIMARY_OR_SECONDARY,
          ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE,
          ErrorCode.PRIMARY_STEPPED_DOWN,
          ErrorCode.SHUTDOWN_IN_PROGRESS);

  private final CommandRegistry registry;
  private final NodeServices node;

  public CommandDispatcher(CommandRegistry registry, NodeServices node) {
    this.registry = registry;
    this.node = node;
  }

  /**
   * The failCommand fail point's activation for this command, after its block and unless it closes
   * the connection; null when the point does not apply. The members' own connections (application
   * name {@value dev.starling.node.repl.PeerClients#APPLICATION_NAME}) are never failed, as mongod
   * spares internal clients.
   */
  private FailCommandPoint.Activation failCommand(String name, ClientConnection connection) {
    if (!node.failCommand().on()) {
      return null;
    }
    String app = applicationName(connection);
    if (dev.starling.node.repl.PeerClients.APPLICATION_NAME.equals(app)) {
      return null;
    }
    FailCommandPoint.Activation a = node.failCommand().activate(name, app);
    if (a == null) {
      return null;
    }
    if (a.blockMillis() > 0) {
      try {
        Thread.sleep(a.blockMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (a.closeConnection()) {
      throw new CloseConnectionException("failCommand fail point: " + name);
    }
    return a;
  }

  private static String applicationName(ClientConnection connection) {
    BsonDocument metadata = connection == null ? null : connection.clientMetadata();
    return metadata != null
            && metadata.get("application") instanceof BsonDocument application
            && application.get("name") instanceof org.bson.BsonString s
        ? s.getValue()
        : null;
  }

  /**
   * A member's own connection (oplog fetching, heartbeats): its driver names an implicit session
   * per command, which mongod's internal clients never do, so its cursors belong to no session.
   */
  private static boolean member(ClientConnection connection) {
    return dev.starling.node.repl.PeerClients.APPLICATION_NAME.equals(applicationName(connection));
  }

  @Override
  public BsonDocument handle(Request request, ClientConnection connection) {
    String name = request.commandName();
    OperationSessionInfo session = OperationSessionInfo.NONE;
    try {
      Command command = registry.find(name);
      if (command == null || (command.testOnly() && !node.options().testCommandsEnabled())) {
        node.opCounters().add(OpCounters.Kind.COMMAND, 1);
        throw new MongoServerException(
            ErrorCode.COMMAND_NOT_FOUND, "no such command: '" + name + "'");
      }
      if (request.opCode() == OpCode.OP_QUERY && !command.allowedOverOpQuery()) {
        throw new MongoServerException(
            ErrorCode.UNSUPPORTED_OP_QUERY_COMMAND,
            "Unsupported OP_QUERY command: "
                + name
                + ". The client driver may require an upgrade.");
      }
      // Read first, so that every error of a retryable write, the gate's too, gets its label.
      session =
          member(connection)
              ? OperationSessionInfo.NONE
              : OperationSessionInfo.parse(request.command());
      FailCommandPoint.Activation failing = failCommand(name, connection);
      if (failing != null && failing.error() != null) {
        BsonDocument error = failing.error().clone();
        int code = error.getInt32("code").getValue();
        if (STATE_CHANGE_ERRORS.stream().anyMatch(c -> c.code() == code)) {
          node.replication().appendTopologyVersion(error);
        }
        return decorate(error, session);
      }
      CommandMetadata metadata = command.metadata(request.command());
      ReplicaSetGate.check(
          node.replication(), metadata.secondary(), request.database(), request.command());
      if (metadata.counter() == OpCounters.Kind.COMMAND) {
        node.opCounters().add(OpCounters.Kind.COMMAND, 1);
      }
      Collations.requireSimple(name, request.command());
      if (session.lsid() != null) {
        node.sessions().touch(session.lsid(), node.clock().instant());
      }
      Sessions.checkGetMore(node, name, request.command(), session.lsid());
      try (RetryableWrites.Checkout retryable = session.checkOut(node, name)) {
        CommandContext context =
            new CommandContext(request.database(), connection, node, retryable);
        if (metadata.writeConcern().supported()) {
          WriteConcerns.validate(context, request.command());
        }
        long started = node.clock().millis();
        ReadConcerns.Args readConcern = ReadConcerns.parse(request.command());
        Sessions.awaitAfterClusterTime(node, request.command(), readConcern);
        // As mongod: a getMore reads on under its cursor's read concern, with no wait of its own.
        boolean linearizable = readConcern.linearizable() && !name.equals("getMore");
        if (linearizable) {
          node.replication().checkLinearizableRead();
        }
        // A write reads what it writes over as it is now: run at the majority snapshot, its own
        // reads of the documents it replaces would be stale. A write that reads at the majority
        // snapshot ($out, $merge) does so itself, for its source only.
        BsonDocument reply;
        if (readConcern.snapshot() && !name.equals("getMore")) {
          reply = readSnapshot(command, name, metadata, context, request.command(), readConcern);
        } else if (readConcern.majority()
            && !request.database().equals("local")
            && !metadata.writeConcern().supported()) {
          reply =
              node.replication()
                  .readMajority(() -> run(command, name, metadata, context, request.command()));
        } else {
          reply = run(command, name, metadata, context, request.command());
        }
        if (linearizable) {
          awaitLinearizable(request.command(), reply, started);
        }
        if (metadata.writeConcern() == CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN) {
          WriteConcerns.finish(context, request.command(), reply);
        }
        if (failing != null && failing.writeConcernError() != null) {
          reply.put("writeConcernError", failing.writeConcernError());
          if (failing.errorLabels() != null) {
            reply.put("errorLabels", failing.errorLabels().clone());
          }
        }
        if (session.lsid() != null) {
          Sessions.adoptCursor(node, reply, session.lsid());
        }
        return decorate(Replies.ok(reply), session);
      }
    } catch (MongoServerException e) {
      BsonDocument reply = Replies.error(e);
      if (STATE_CHANGE_ERRORS.contains(e.error())) {
        // As mongod: a driver compares it with the version it monitors, and does not mark this
        // member unknown for an error the topology it already knows explains (a write sent to a
        // secondary, say); only a newer version means the state changed.
        node.replication().appendTopologyVersion(reply);
      }
      return decorate(reply, session);
    } catch (org.bson.BsonInvalidOperationException | ClassCastException e) {
      // A field of the wrong BSON type that a command read without checking.
      return decorate(
          Replies.error(
              new MongoServerException(
                  ErrorCode.TYPE_MISMATCH,
                  "invalid type in command " + name + ": " + e.getMessage())),
          session);
    } catch (CloseConnectionException e) {
      throw e;
    } catch (RuntimeException e) {
      Log.error(e, "command %s failed", name);
      return decorate(
          Replies.error(
              new MongoServerException(
                  ErrorCode.INTERNAL_ERROR, "internal error in " + name + ": " + e)),
          session);
    }
  }

  /**
   * Runs the command. A read whose collection was dropped, renamed or replaced under it before it
   * produced its reply (175 QueryPlanKilled from storage) runs again, on what its name names now:
   * where mongod's read would have held the collection and seen the old contents, it sees the new
   * ones, never a mix of the two nor nothing. A getMore fails with 175, as on mongod.
   */
  private static BsonDocument run(
      Command command,
      String name,
      CommandMetadata metadata,
      CommandContext context,
      BsonDocument body) {
    for (int attempt = 1; ; attempt++) {
      try {
        return command.run(context, body);
      } catch (MongoServerException e) {
        if (e.error() != ErrorCode.QUERY_PLAN_KILLED
            || metadata.writeConcern().supported()
            || name.equals("getMore")
            || attempt == READ_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The commands that take readConcern "snapshot" outside a transaction, as on mongod 5.0+. */
  private static final java.util.Set<String> SNAPSHOT_READS =
      java.util.Set.of("find", "aggregate", "distinct");

  /**
   * A read with readConcern "snapshot" runs at one point of the majority-committed data ({@link
   * dev.starling.node.repl.Replication#readSnapshot}); its reply names that point as {@code
   * atClusterTime}, in its cursor for find and aggregate and at the top for distinct, where the
   * drivers' snapshot sessions read it. Other commands refuse the level with 72, as mongod does
   * outside a transaction.
   */
  private BsonDocument readSnapshot(
      Command command,
      String name,
      CommandMetadata metadata,
      CommandContext context,
      BsonDocument body,
      ReadConcerns.Args readConcern) {
    if (!SNAPSHOT_READS.contains(name) || metadata.writeConcern().supported()) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS,
          "Command "
              + name
              + " does not support { readConcern: { level: \"snapshot\" } } outside a"
              + " transaction");
    }
    var read =
        node.replication()
            .readSnapshot(
                readConcern.atClusterTime(),
                Sessions.maxTimeMillis(body),
                () -> run(command, name, metadata, context, body));
    BsonDocument reply = read.getValue();
    if (reply.get("cursor") instanceof BsonDocument cursor) {
      cursor.put("atClusterTime", read.getKey());
    } else {
      reply.put("atClusterTime", read.getKey());
    }
    return reply;
  }

  /**
   * The reply of a linearizable read goes out only once the primary has confirmed, with a
   * majority-committed no-op written after the read, that it still was the primary when it read
   * (mongod's waitForLinearizableReadConcern), within what is left of the command's maxTimeMS. If
   * that fails, the cursor the read opened is closed with it.
   */
  private void awaitLinearizable(BsonDocument command, BsonDocument reply, long started) {
    long maxTimeMillis = Sessions.maxTimeMillis(command);
    try {
      if (maxTimeMillis == 0) {
        node.replication().awaitLinearizableRead(0);
        return;
      }
      long left = maxTimeMillis - (node.clock().millis() - started);
      if (left <= 0) {
        throw new MongoServerException(
            ErrorCode.MAX_TIME_MS_EXPIRED, "operation exceeded time limit");
      }
      node.replication().awaitLinearizableRead(left);
    } catch (MongoServerException e) {
      if (reply.get("cursor") instanceof BsonDocument cursor
          && cursor.get("id") instanceof org.bson.BsonInt64 id
          && id.getValue() != 0) {
        node.cursors().kill(id.getValue());
      }
      throw e;
    }
  }

  /**
   * What every reply of a replica-set member carries (its {@code operationTime} and {@code
   * $clusterTime}), and a retryable write's error labels.
   */
  private BsonDocument decorate(BsonDocument reply, OperationSessionInfo session) {
    session.labelErrors(reply);
    Sessions.appendClusterTime(node, reply);
    return reply;
  }
}
