package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.StandaloneReplication;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import dev.starling.node.wire.ClientConnection;
import dev.starling.node.wire.OpCode;
import dev.starling.node.wire.Request;
import java.nio.file.Path;
import java.time.Clock;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands on a standalone, which runs with {@link StandaloneReplication}: what a standalone mongod
 * answers.
 */
class StandaloneDispatchTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  CommandDispatcher dispatcher;

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    NodeServices node = TestNodes.standalone(engine, Clock.systemUTC());
    dispatcher = new CommandDispatcher(Commands.registry(), node);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private BsonDocument run(String json) {
    return TestNodes.run(dispatcher, "test", BsonDocument.parse(json));
  }

  private long count() {
    return run("{count: 'c'}").getNumber("n").longValue();
  }

  @Test
  void wOverOneIsRefusedWithBadValueAndNothingIsWritten() {
    BsonDocument reply = run("{insert: 'c', documents: [{_id: 1}], writeConcern: {w: 2}}");

    assertThat(reply.getNumber("ok").intValue()).isZero();
    assertThat(reply.getInt32("code").getValue()).isEqualTo(2);
    assertThat(reply.getString("codeName").getValue()).isEqualTo("BadValue");
    assertThat(reply.getString("errmsg").getValue())
        .isEqualTo("cannot use 'w' > 1 when a host is not replicated");
    assertThat(count()).isZero();
  }

  @Test
  void aWriteModeOtherThanMajorityIsRefusedWithBadValue() {
    BsonDocument reply = run("{create: 'd', writeConcern: {w: 'dc'}}");

    assertThat(reply.getInt32("code").getValue()).isEqualTo(2);
    assertThat(reply.getString("errmsg").getValue())
        .isEqualTo(
            "cannot use non-majority 'w' mode \"dc\" when a host is not a member of a replica"
                + " set");
  }

  @Test
  void majorityOneAndZeroAreAcknowledged() {
    for (String w : new String[] {"'majority'", "1", "0"}) {
      BsonDocument reply =
          run("{insert: 'c', documents: [{}], writeConcern: {w: " + w + ", j: true}}");
      assertThat(reply.getNumber("ok").intValue()).as(w).isEqualTo(1);
      assertThat(reply).as(w).doesNotContainKey("writeConcernError");
    }
    assertThat(count()).isEqualTo(3);
  }

  @Test
  void replicaSetCommandsAreRefusedWith76() {
    for (String command :
        new String[] {"replSetGetStatus", "replSetGetConfig", "replSetStepDown"}) {
      BsonDocument reply =
          dispatcher.handle(
              new Request(
                  1,
                  OpCode.OP_MSG,
                  "admin",
                  new BsonDocument(command, new org.bson.BsonInt32(1)),
                  false,
                  false),
              new ClientConnection(1, null));
      assertThat(reply.getInt32("code").getValue()).as(command).isEqualTo(76);
      assertThat(reply.getString("codeName").getValue()).isEqualTo("NoReplicationEnabled");
      assertThat(reply.getString("errmsg").getValue()).isEqualTo("not running with --replSet");
      assertThat(reply).doesNotContainKey("topologyVersion");
    }
  }

  @Test
  void helloIsAWritablePrimaryOfNoSet() {
    BsonDocument reply = run("{hello: 1}");

    assertThat(reply.getBoolean("isWritablePrimary").getValue()).isTrue();
    assertThat(reply)
        .doesNotContainKeys("setName", "hosts", "secondary", "topologyVersion", "me", "lastWrite");
    assertThat(run("{isMaster: 1}").getBoolean("ismaster").getValue()).isTrue();
  }

  @Test
  void aMajorityReadSeesTheLatestWrite() {
    run("{insert: 'c', documents: [{_id: 1}]}");

    BsonDocument reply = run("{find: 'c', readConcern: {level: 'majority'}}");

    assertThat(reply.getDocument("cursor").getArray("firstBatch")).hasSize(1);
  }

  @Test
  void aLinearizableReadIsRefusedAsNotAReplicaSetAndSnapshotAsNotImplemented() {
    run("{insert: 'c', documents: [{_id: 1}]}");

    BsonDocument reply = run("{find: 'c', readConcern: {level: 'linearizable'}}");

    assertThat(reply.getNumber("ok").intValue()).isZero();
    assertThat(reply.getInt32("code").getValue()).isEqualTo(123);
    assertThat(reply.getString("codeName").getValue()).isEqualTo("NotAReplicaSet");
    assertThat(reply.getString("errmsg").getValue())
        .isEqualTo("node needs to be a replica set member to use read concern");
    assertThat(run("{find: 'c', readConcern: {level: 'snapshot'}}").getInt32("code").getValue())
        .isEqualTo(123);
    // Outside a transaction only find, aggregate and distinct take "snapshot", as on mongod 5.0+.
    assertThat(run("{count: 'c', readConcern: {level: 'snapshot'}}").getInt32("code").getValue())
        .isEqualTo(72);
  }

  @Test
  void theOplogIsAnAbsentCollection() {
    BsonDocument reply =
        dispatcher.handle(
            new Request(
                1,
                OpCode.OP_MSG,
                "local",
                BsonDocument.parse("{find: 'oplog.rs', tailable: true, awaitData: true}"),
                false,
                false),
            new ClientConnection(1, null));

    assertThat(reply.getDocument("cursor").getArray("firstBatch")).isEmpty();
    assertThat(reply.getDocument("cursor").getInt64("id").getValue()).isZero();
  }
}
