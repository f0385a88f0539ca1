package dev.starling.node.spec;

import com.mongodb.ClientSessionOptions;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.ReadConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.Set;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The CRUD spec's deprecated {@code count} helper, which the Java driver 4.0+ no longer has: the
 * runner sends the {@code count} command through {@link MongoDatabase#runCommand} with the
 * collection's read preference and read concern, as the helper would. The driver does not retry
 * runCommand (the retryable reads spec forbids retrying the generic command runner), so this class
 * applies the spec's rule for a retryable read itself: with {@code retryReads} on and outside a
 * transaction, a retryable error (a network error, a cleared pool, or one of the spec's server
 * codes) is followed by exactly one more attempt, on a server selected again and in the same
 * session; the command is built anew for it. A failed retry raises its own error, unless it failed
 * before reaching a server (no server selected, pool cleared), which raises the first one.
 */
final class DeprecatedCount {
  /** The server codes the retryable reads spec retries. */
  private static final Set<Integer> RETRYABLE_CODES =
      Set.of(262, 11600, 11602, 10107, 13435, 13436, 189, 134, 91, 7, 6, 89, 9001);

  private final ClientEntity client;
  private final MongoCollection<BsonDocument> collection;
  private final ClientSession session;
  private final Arguments args;

  DeprecatedCount(
      ClientEntity client,
      MongoCollection<BsonDocument> collection,
      ClientSession session,
      Arguments args) {
    this.client = client;
    this.collection = collection;
    this.session = session;
    this.args = args;
  }

  BsonValue run() {
    BsonDocument options = new BsonDocument("query", args.filter());
    for (String name :
        new String[] {"limit", "skip", "hint", "collation", "maxTimeMS", "comment"}) {
      if (args.get(name) instanceof BsonValue value) {
        options.append(name, value);
      }
    }
    args.checkAllUsed();
    MongoDatabase database =
        client.client().getDatabase(collection.getNamespace().getDatabaseName());
    // As a driver's helper, both attempts run in one session: the test's, else an implicit one
    // (not causally consistent, as implicit sessions are not).
    ClientSession used =
        session != null
            ? session
            : client
                .client()
                .startSession(ClientSessionOptions.builder().causallyConsistent(false).build());
    try {
      BsonDocument reply =
          retryableRead(
              client.retryReads() && !used.hasActiveTransaction(),
              () -> attempt(database, used, options));
      return new BsonInt64(reply.getNumber("n").longValue());
    } finally {
      if (used != session) {
        used.close();
      }
    }
  }

  /** One attempt: the command as the helper builds it for the session's state now. */
  private BsonDocument attempt(
      MongoDatabase database, ClientSession session, BsonDocument options) {
    BsonDocument command =
        new BsonDocument("count", new BsonString(collection.getNamespace().getCollectionName()));
    command.putAll(options);
    BsonDocument readConcern = readConcern(session);
    if (!readConcern.isEmpty()) {
      command.append("readConcern", readConcern);
    }
    return database.runCommand(
        session, command, collection.getReadPreference(), BsonDocument.class);
  }

  /**
   * The read concern the helper sends: the collection's level and, in a causally consistent session
   * that has an operation time, {@code afterClusterTime}; none inside a transaction (the
   * transaction carries its own).
   */
  private BsonDocument readConcern(ClientSession session) {
    if (session.hasActiveTransaction()) {
      return new BsonDocument();
    }
    ReadConcern concern = collection.getReadConcern();
    BsonDocument doc = concern.isServerDefault() ? new BsonDocument() : concern.asDocument();
    if (session.isCausallyConsistent() && session.getOperationTime() != null) {
      doc.append("afterClusterTime", session.getOperationTime());
    }
    return doc;
  }

  /**
   * Runs {@code attempt} as the retryable reads spec runs a read: once more after a retryable error
   * when {@code retry} (retryReads on, no transaction); the retry's error is raised if it reached a
   * server, else the first error.
   */
  static <T> T retryableRead(boolean retry, Supplier<T> attempt) {
    try {
      return attempt.get();
    } catch (RuntimeException first) {
      if (!retry || !retryable(first)) {
        throw first;
      }
      try {
        return attempt.get();
      } catch (RuntimeException second) {
        throw reachedAServer(second) ? second : first;
      }
    }
  }

  /** A retryable error of the retryable reads spec. */
  static boolean retryable(Throwable error) {
    if (error instanceof MongoSocketException
        || error instanceof MongoConnectionPoolClearedException) {
      return true;
    }
    return error instanceof MongoServerException server
        && RETRYABLE_CODES.contains(server.getCode());
  }

  /**
   * Whether an attempt that failed with {@code error} was made on a server: not when no server
   * could be selected or the pool was cleared before the command went out.
   */
  private static boolean reachedAServer(Throwable error) {
    return error instanceof MongoServerException || error instanceof MongoSocketException;
  }
}
