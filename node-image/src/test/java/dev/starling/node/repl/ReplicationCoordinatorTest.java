package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.RocksStorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationCoordinatorTest {
  static final List<String> SELF = List.of("localhost:27017", "127.0.0.1:27017");
  @TempDir Path dir;
  RocksStorageEngine engine;
  ReplicationCoordinator coordinator;

  @AfterEach
  void close() {
    stop();
  }

  private void start() {
    OplogWriter oplog = new OplogWriter(Clock.systemUTC());
    engine = RocksStorageEngine.open(dir, oplog);
    coordinator =
        new ReplicationCoordinator(
            "rs0", SELF, host -> false, engine, oplog, batch -> {}, dir, Clock.systemUTC());
    coordinator.start();
  }

  private void stop() {
    if (coordinator != null) {
      coordinator.close();
      coordinator = null;
    }
    if (engine != null) {
      engine.close();
      engine = null;
    }
  }

  @Test
  void uninitiatedMemberIsInStartupWithNoConfig() {
    start();
    assertThat(coordinator.state()).isEqualTo(MemberState.STARTUP);
    assertThat(coordinator.isWritablePrimary()).isFalse();
    assertThat(coordinator.snapshot().config()).isNull();
  }

  @Test
  void initiateWithoutConfigElectsThisNodeAndWritesTheNewPrimaryEntry() {
    start();
    coordinator.replicaSetCommands().initiate(null);
    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
    ReplicationStatus s = coordinator.snapshot();
    assertThat(s.state()).isEqualTo(MemberState.PRIMARY);
    assertThat(s.config().name()).isEqualTo("rs0");
    assertThat(s.config().members()).hasSize(1);
    assertThat(s.config().members().get(0).host()).isEqualTo("localhost:27017");
    assertThat(s.config().replicaSetId()).isPresent();
    assertThat(s.self()).isEqualTo("localhost:27017");
    assertThat(s.primary()).isEqualTo("localhost:27017");
    assertThat(s.term()).isEqualTo(1);
    BsonDocument last = OplogWriter.read(engine, true).next();
    assertThat(last.getString("op").getValue()).isEqualTo("n");
    assertThat(last.getDocument("o")).isEqualTo(BsonDocument.parse("{msg: 'new primary'}"));
    assertThat(last.getInt64("t").getValue()).isEqualTo(1);
    assertThat(s.applied().ts()).isEqualTo(last.getTimestamp("ts"));
    // The journal flusher makes the entry durable, and then (one voter) committed.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> coordinator.snapshot().committed().equals(coordinator.snapshot().applied()));
  }

  @Test
  void configAndTermSurviveAReopenAndTheNodeIsElectedAgainInAHigherTerm() {
    start();
    coordinator
        .replicaSetCommands()
        .initiate(BsonDocument.parse("{_id: 'rs0', members: [{_id: 7, host: '127.0.0.1:27017'}]}"));
    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
    BsonDocument config = coordinator.config().toBsonDocument();
    stop();

    start();
    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
    assertThat(coordinator.snapshot().term()).isEqualTo(2);
    // The same config, stamped with the new primary's term on step-up.
    assertThat(config.getInt64("term").getValue()).isEqualTo(1);
    assertThat(coordinator.config().term()).isEqualTo(2);
    assertThat(coordinator.config().withTerm(1).toBsonDocument()).isEqualTo(config);
    assertThat(coordinator.snapshot().self()).isEqualTo("127.0.0.1:27017");
    assertThat(OplogWriter.read(engine, true).next().getInt64("t").getValue()).isEqualTo(2);
  }

  /**
   * A one-member set elected once, stopped with {@code minValid} stored as a rollback leaves it.
   */
  private OpTime restartWithMinValid(java.util.function.Function<OpTime, MinValid> minValid) {
    start();
    coordinator
        .replicaSetCommands()
        .initiate(BsonDocument.parse("{_id: 'rs0', members: [{_id: 0, host: 'localhost:27017'}]}"));
    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
    OpTime last = coordinator.snapshot().applied();
    new ReplicationLocalStore(engine).storeMinValid(minValid.apply(last));
    stop();
    start();
    return last;
  }

  @Test
  void aMemberRestartedBeforeReachingMinValidComesBackRecoveringAndStandsForNothing() {
    restartWithMinValid(
        last ->
            new MinValid(
                new OpTime(new BsonTimestamp(last.ts().getValue() + (1L << 32)), last.term()),
                false));
    assertThat(coordinator.state()).isEqualTo(MemberState.RECOVERING);
    // A single voter elects itself within an election timeout when it can: not while recovering.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> coordinator.state() == MemberState.RECOVERING);
    assertThat(coordinator.isWritablePrimary()).isFalse();
  }

  @Test
  void aMemberWhoseDataIsConsistentIgnoresAReachedMinValid() {
    restartWithMinValid(last -> new MinValid(last, false));
    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
  }

  @Test
  void anInterruptedInitialSyncStartsOverFromAnEmptyOplog() {
    restartWithMinValid(last -> new MinValid(OpTime.NULL, true));
    assertThat(coordinator.state()).isEqualTo(MemberState.STARTUP2);
    assertThat(OplogWriter.read(engine, true).hasNext()).isFalse();
    assertThat(coordinator.snapshot().applied().isNull()).isTrue();
    assertThat(new ReplicationLocalStore(engine).minValid().initialSync()).isTrue();
  }

  @Test
  void initiateRefusesBadConfigs() {
    start();
    assertError(
        () ->
            coordinator
                .replicaSetCommands()
                .initiate(
                    BsonDocument.parse(
                        "{_id: 'rs0', members: [{_id: 0, host: 'localhost:27017'},"
                            + " {_id: 0, host: 'other:27017'}]}")),
        ErrorCode.INVALID_REPLICA_SET_CONFIG,
        "");
    assertError(
        () ->
            coordinator
                .replicaSetCommands()
                .initiate(
                    BsonDocument.parse(
                        "{_id: 'rs1', members: [{_id: 0, host: 'localhost:27017'}]}")),
        ErrorCode.INVALID_REPLICA_SET_CONFIG,
        "rs1");
    assertError(
        () ->
            coordinator
                .replicaSetCommands()
                .initiate(
                    BsonDocument.parse("{_id: 'rs0', members: [{_id: 0, host: 'elsewhere:1'}]}")),
        ErrorCode.NODE_NOT_FOUND,
        "maps to this node");
    assertError(
        () ->
            coordinator
                .replicaSetCommands()
                .initiate(BsonDocument.parse("{_id: 'rs0', members: []}")),
        ErrorCode.INVALID_REPLICA_SET_CONFIG,
        "");
    assertThat(coordinator.config()).isNull();
    coordinator.replicaSetCommands().initiate(null);
    assertError(
        () -> coordinator.replicaSetCommands().initiate(null),
        ErrorCode.ALREADY_INITIALIZED,
        "already");
  }

  @Test
  void aMemberThatIsNotPrimaryRefusesALinearizableRead() {
    start();
    assertError(
        coordinator::checkLinearizableRead,
        ErrorCode.NOT_WRITABLE_PRIMARY,
        "cannot satisfy linearizable read concern on non-primary node");
    assertError(
        () -> coordinator.awaitLinearizableRead(1000),
        ErrorCode.NOT_WRITABLE_PRIMARY,
        "No longer primary when waiting for linearizable read concern");
    assertThat(OplogWriter.read(engine, true).hasNext()).isFalse();
  }

  @Test
  void aPrimaryConfirmsALinearizableReadWithAMajorityCommittedNoop() {
    start();
    coordinator.replicaSetCommands().initiate(null);
    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
    coordinator.checkLinearizableRead();

    coordinator.awaitLinearizableRead(5000);

    List<BsonDocument> noops = new java.util.ArrayList<>();
    OplogWriter.read(engine, false)
        .forEachRemaining(
            e -> {
              if (e.getDocument("o").equals(BsonDocument.parse("{msg: 'linearizable read'}"))) {
                noops.add(e);
              }
            });
    assertThat(noops).hasSize(1);
    assertThat(noops.get(0).getString("op").getValue()).isEqualTo("n");
    // One voter: committed once the journal flusher made it durable, before the wait returned.
    assertThat(coordinator.snapshot().committed().ts())
        .isGreaterThanOrEqualTo(noops.get(0).getTimestamp("ts"));
  }

  private static void assertError(Runnable r, ErrorCode code, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.error()).isEqualTo(code))
        .hasMessageContaining(message);
  }
}
