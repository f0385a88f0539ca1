package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.Replication;
import dev.starling.node.repl.StandaloneReplication;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dispatcher does around a read with readConcern "linearizable": it asks replication
 * whether this member may serve one before the read runs, and for the confirmation after it, before
 * the reply; a failed confirmation fails the read. Replication here answers as a standalone except
 * for those two calls, which it records and fails when a test says so.
 */
class LinearizableDispatchTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  NodeServices node;
  CommandDispatcher dispatcher;

  final List<String> calls = new CopyOnWriteArrayList<>();
  MongoServerException refuseCheck;
  MongoServerException failWait;

  /** The maxMillis each confirmation was given. */
  final List<Long> maxMillisGiven = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    StandaloneReplication standalone = new StandaloneReplication();
    Replication replication =
        (Replication)
            Proxy.newProxyInstance(
                Replication.class.getClassLoader(),
                new Class<?>[] {Replication.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "checkLinearizableRead" -> {
                      calls.add("check");
                      if (refuseCheck != null) {
                        throw refuseCheck;
                      }
                      return null;
                    }
                    case "awaitLinearizableRead" -> {
                      calls.add("await");
                      maxMillisGiven.add((Long) args[0]);
                      if (failWait != null) {
                        throw failWait;
                      }
                      return null;
                    }
                    default -> {
                      try {
                        return method.invoke(standalone, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    }
                  }
                });
    node = TestNodes.of(engine, Clock.systemUTC(), replication);
    dispatcher = new CommandDispatcher(Commands.registry(), node);
    assertOk(run("{insert: 'c', documents: [{_id: 1, a: 'x'}, {_id: 2, a: 'y'}, {_id: 3}]}"));
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private BsonDocument run(String json) {
    return TestNodes.run(dispatcher, "test", BsonDocument.parse(json));
  }

  private static void assertOk(BsonDocument reply) {
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isEqualTo(1);
  }

  private static void assertError(BsonDocument reply, int code, String codeName) {
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isZero();
    assertThat(reply.getInt32("code").getValue()).as(reply.toJson()).isEqualTo(code);
    assertThat(reply.getString("codeName").getValue()).isEqualTo(codeName);
  }

  @Test
  void theReadsThatTakeItAreCheckedBeforeAndConfirmedAfterReading() {
    BsonDocument find = run("{find: 'c', filter: {_id: 2}, readConcern: {level: 'linearizable'}}");
    assertOk(find);
    assertThat(find.getDocument("cursor").getArray("firstBatch"))
        .containsExactly(BsonDocument.parse("{_id: 2, a: 'y'}"));
    assertThat(calls).containsExactly("check", "await");

    String rc = ", readConcern: {level: 'linearizable'}}";
    assertThat(run("{count: 'c'" + rc).getNumber("n").intValue()).isEqualTo(3);
    assertThat(run("{distinct: 'c', key: 'a'" + rc).getArray("values")).hasSize(2);
    BsonDocument aggregate =
        run("{aggregate: 'c', pipeline: [{$match: {_id: 3}}], cursor: {}" + rc);
    assertThat(aggregate.getDocument("cursor").getArray("firstBatch")).hasSize(1);
    assertThat(calls)
        .containsExactly("check", "await", "check", "await", "check", "await", "check", "await");
  }

  @Test
  void theConfirmationGetsWhatIsLeftOfMaxTimeMsOrNoLimit() {
    assertOk(run("{find: 'c', readConcern: {level: 'linearizable'}, maxTimeMS: 5000}"));
    assertOk(run("{find: 'c', readConcern: {level: 'linearizable'}}"));
    assertThat(maxMillisGiven).hasSize(2);
    assertThat(maxMillisGiven.get(0)).isPositive().isLessThanOrEqualTo(5000);
    assertThat(maxMillisGiven.get(1)).isZero();
  }

  @Test
  void aFailedConfirmationFailsTheReadAndClosesItsCursor() {
    failWait =
        new MongoServerException(ErrorCode.MAX_TIME_MS_EXPIRED, "operation exceeded time limit");

    BsonDocument reply =
        run("{find: 'c', batchSize: 1, readConcern: {level: 'linearizable'}, maxTimeMS: 2000}");

    assertError(reply, 50, "MaxTimeMSExpired");
    assertThat(reply).doesNotContainKey("cursor");
    assertThat(node.cursors().openCount()).isZero();
  }

  @Test
  void aStepDownWhileConfirmingIsAStateChangeError() {
    failWait =
        new MongoServerException(
            ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE,
            "operation was interrupted because the node stepped down while waiting for"
                + " replication");

    assertError(
        run("{count: 'c', readConcern: {level: 'linearizable'}}"),
        11602,
        "InterruptedDueToReplStateChange");
  }

  @Test
  void aMemberThatMayNotServeItIsNeverAskedToConfirm() {
    refuseCheck =
        new MongoServerException(
            ErrorCode.NOT_WRITABLE_PRIMARY,
            "cannot satisfy linearizable read concern on non-primary node");

    BsonDocument reply = run("{find: 'c', readConcern: {level: 'linearizable'}}");

    assertError(reply, 10107, "NotWritablePrimary");
    assertThat(reply.getString("errmsg").getValue())
        .isEqualTo("cannot satisfy linearizable read concern on non-primary node");
    assertThat(calls).containsExactly("check");
  }

  @Test
  void otherLevelsAndGetMoreAreNotConfirmed() {
    assertOk(run("{find: 'c', readConcern: {level: 'local'}}"));
    assertOk(run("{find: 'c', readConcern: {level: 'majority'}}"));
    assertOk(run("{find: 'c', readConcern: {level: 'available'}}"));
    assertOk(run("{find: 'c'}"));
    assertThat(calls).isEmpty();

    BsonDocument first = run("{find: 'c', batchSize: 1, readConcern: {level: 'linearizable'}}");
    long id = first.getDocument("cursor").getInt64("id").getValue();
    calls.clear();
    BsonDocument more =
        run(
            "{getMore: NumberLong("
                + id
                + "), collection: 'c', readConcern: {level: 'linearizable'}}");
    assertOk(more);
    assertThat(more.getDocument("cursor").getArray("nextBatch")).hasSize(2);
    assertThat(calls).isEmpty();
  }

  @Test
  void aRefusedCombinationIsRefusedBeforeAnything() {
    BsonDocument reply =
        run("{find: 'c', readConcern: {level: 'linearizable', afterClusterTime: Timestamp(5, 1)}}");
    assertError(reply, 72, "InvalidOptions");
    assertThat(calls).isEmpty();
  }
}
