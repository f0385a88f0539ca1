package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.MutableClock;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logical sessions through the dispatcher of a standalone: the session commands, what hello
 * advertises, session checks on every command, cursors that belong to their session, and expiry.
 */
class SessionCommandsTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  CommandDispatcher dispatcher;
  NodeServices node;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    node = TestNodes.standalone(engine, clock);
    dispatcher = new CommandDispatcher(Commands.registry(), node);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private BsonDocument run(String json) {
    return run(BsonDocument.parse(json));
  }

  private BsonDocument run(BsonDocument command) {
    return TestNodes.run(dispatcher, "test", command);
  }

  private static BsonDocument with(String json, BsonDocument lsid) {
    return BsonDocument.parse(json).append("lsid", lsid);
  }

  @Test
  void helloAdvertisesTheSessionTimeoutAndStartSessionHandsOutASession() {
    assertThat(run("{hello: 1}").getInt32("logicalSessionTimeoutMinutes").getValue()).isEqualTo(30);
    BsonDocument started = run("{startSession: 1}");
    assertThat(started.getDocument("id").getBinary("id").getType()).isEqualTo((byte) 4);
    assertThat(started.getInt32("timeoutMinutes").getValue()).isEqualTo(30);
    assertThat(node.sessions().all()).containsExactly(started.getDocument("id"));
  }

  @Test
  void aCommandNamingASessionStartsItAndEndSessionsEndsIt() {
    BsonDocument lsid = TestNodes.newLsid();
    assertThat(run(with("{ping: 1}", lsid)).getDouble("ok").getValue()).isEqualTo(1.0);
    assertThat(node.sessions().all()).containsExactly(lsid);
    BsonDocument end =
        new BsonDocument("endSessions", new org.bson.BsonArray(java.util.List.of(lsid)));
    assertThat(run(end).getDouble("ok").getValue()).isEqualTo(1.0);
    assertThat(node.sessions().all()).isEmpty();
  }

  @Test
  void sessionsExpireAfterTheTimeoutUnlessRefreshed() {
    BsonDocument used = TestNodes.newLsid();
    BsonDocument refreshed = TestNodes.newLsid();
    run(with("{ping: 1}", used));
    run(with("{ping: 1}", refreshed));
    clock.advance(Duration.ofMinutes(20));
    run(new BsonDocument("refreshSessions", new org.bson.BsonArray(java.util.List.of(refreshed))));
    clock.advance(Duration.ofMinutes(11));
    Sessions.reapExpired(node);
    assertThat(node.sessions().all()).containsExactly(refreshed);
  }

  @Test
  void aCursorBelongsToItsSessionAndDiesWithIt() {
    run("{insert: 'c', documents: [{_id: 1}, {_id: 2}, {_id: 3}]}");
    BsonDocument lsid = TestNodes.newLsid();
    BsonDocument find = run(with("{find: 'c', batchSize: 1}", lsid));
    long id = find.getDocument("cursor").getInt64("id").getValue();
    assertThat(id).isNotZero();

    BsonDocument other =
        run(with("{getMore: NumberLong(" + id + "), collection: 'c'}", TestNodes.newLsid()));
    assertThat(other.getInt32("code").getValue()).isEqualTo(50738);
    BsonDocument none = run("{getMore: NumberLong(" + id + "), collection: 'c'}");
    assertThat(none.getInt32("code").getValue()).isEqualTo(50737);
    BsonDocument same =
        run(with("{getMore: NumberLong(" + id + "), collection: 'c', batchSize: 1}", lsid));
    assertThat(same.getDouble("ok").getValue()).isEqualTo(1.0);

    run(new BsonDocument("killSessions", new org.bson.BsonArray(java.util.List.of(lsid))));
    BsonDocument gone = run(with("{getMore: NumberLong(" + id + "), collection: 'c'}", lsid));
    assertThat(gone.getString("codeName").getValue()).isEqualTo("CursorNotFound");
  }

  @Test
  void aBadSessionOrATransactionIsRefusedWithMongodsCodes() {
    assertThat(run("{ping: 1, lsid: 5}").getInt32("code").getValue()).isEqualTo(14);
    assertThat(run("{ping: 1, lsid: {}}").getInt32("code").getValue()).isEqualTo(40414);
    assertThat(run("{ping: 1, lsid: {id: 'x'}}").getInt32("code").getValue()).isEqualTo(14);
    assertThat(
            run("{insert: 'c', documents: [{}], txnNumber: NumberLong(1)}")
                .getInt32("code")
                .getValue())
        .as("a txnNumber without a session")
        .isEqualTo(72);
    assertThat(
            run(with(
                    "{insert: 'c', documents: [{}], txnNumber: NumberLong(1)}",
                    TestNodes.newLsid()))
                .getInt32("code")
                .getValue())
        .as("a standalone takes no retryable writes")
        .isEqualTo(20);
    assertThat(
            run(with(
                    "{find: 'c', startTransaction: true, autocommit: false, txnNumber:"
                        + " NumberLong(1)}",
                    TestNodes.newLsid()))
                .getInt32("code")
                .getValue())
        .isEqualTo(20);
  }

  @Test
  void aStandaloneAddsNoClusterTime() {
    BsonDocument reply = run(with("{ping: 1}", TestNodes.newLsid()));
    assertThat(reply.containsKey("$clusterTime")).isFalse();
    assertThat(reply.containsKey("operationTime")).isFalse();
  }
}
