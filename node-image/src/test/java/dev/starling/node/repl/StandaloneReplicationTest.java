package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.Durability;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** A standalone's answers, as a standalone mongod gives them. */
class StandaloneReplicationTest {
  final StandaloneReplication standalone = new StandaloneReplication();

  private static BsonDocument doc(String json) {
    return BsonDocument.parse(json);
  }

  @Test
  void takesEveryWriteAndServesEveryRead() {
    assertThat(standalone.isWritablePrimary()).isTrue();
    assertThat(standalone.isReadable()).isTrue();
    assertThat(standalone.ready()).isTrue();
  }

  @Test
  void aMajorityReadReadsTheLatestData() {
    assertThat(standalone.readMajority(() -> "latest")).isEqualTo("latest");
  }

  @Test
  void refusesALinearizableReadAsNotAReplicaSet() {
    for (Runnable step :
        List.<Runnable>of(
            standalone::checkLinearizableRead, () -> standalone.awaitLinearizableRead(0))) {
      assertThatThrownBy(step::run)
          .isInstanceOfSatisfying(
              MongoServerException.class,
              e -> {
                assertThat(e.error()).isEqualTo(ErrorCode.NOT_A_REPLICA_SET);
                assertThat(e.code()).isEqualTo(123);
                assertThat(e.getMessage())
                    .isEqualTo("node needs to be a replica set member to use read concern");
              });
    }
  }

  @Test
  void refusesWOverOneAndCustomModesWithBadValue() {
    assertThatThrownBy(() -> standalone.validateWriteConcern(doc("{w: 2}")))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> {
              assertThat(e.error()).isEqualTo(ErrorCode.BAD_VALUE);
              assertThat(e.getMessage())
                  .isEqualTo("cannot use 'w' > 1 when a host is not replicated");
            });
    assertThatThrownBy(() -> standalone.validateWriteConcern(doc("{w: 'dc'}")))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> {
              assertThat(e.error()).isEqualTo(ErrorCode.BAD_VALUE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "cannot use non-majority 'w' mode \"dc\" when a host is not a member of a"
                          + " replica set");
            });
  }

  @Test
  void acceptsWZeroOneMajorityAndNoW() {
    for (String wc :
        List.of("{}", "{w: 0}", "{w: 1}", "{w: 'majority', wtimeout: 5}", "{j: true}")) {
      assertThatCode(() -> standalone.validateWriteConcern(doc(wc)))
          .as(wc)
          .doesNotThrowAnyException();
      assertThat(standalone.waitForWriteConcern(doc(wc))).as(wc).isNull();
    }
  }

  @Test
  void journalAndMajorityWritesSyncTheWal() {
    assertThat(standalone.writeDurability(doc("{}"), true)).isEqualTo(Durability.SYNCED);
    assertThat(standalone.writeDurability(doc("{w: 'majority'}"), false))
        .isEqualTo(Durability.SYNCED);
    assertThat(standalone.writeDurability(doc("{w: 1}"), false)).isEqualTo(Durability.WRITTEN);
    assertThat(standalone.writeDurability(doc("{}"), false)).isEqualTo(Durability.WRITTEN);
  }

  @Test
  void helloSaysWritablePrimaryOnlyAndDoesNotWait() {
    long start = System.nanoTime();
    BsonDocument fields =
        standalone.hello(
            doc("{hello: 1, topologyVersion: {processId: 'x', counter: 0}, maxAwaitTimeMS: 60000}"),
            "isWritablePrimary");

    assertThat(fields).isEqualTo(doc("{isWritablePrimary: true}"));
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    assertThat(standalone.hello(doc("{isMaster: 1}"), "ismaster"))
        .isEqualTo(doc("{ismaster: true}"));
  }

  @Test
  void addsNoTopologyVersionToAnError() {
    BsonDocument reply = doc("{ok: 0, code: 10107}");
    standalone.appendTopologyVersion(reply);
    assertThat(reply).isEqualTo(doc("{ok: 0, code: 10107}"));
  }

  @Test
  void hasNoOplogToServe() throws InterruptedException {
    assertThat(standalone.hasOplog()).isFalse();
    assertThat(standalone.oplogQueryMetadata()).isEmpty();
    long start = System.nanoTime();
    standalone.awaitOplogAfter(0, 60_000);
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    assertThatCode(() -> standalone.failPoints().refuseIncomingReplicationTraffic())
        .doesNotThrowAnyException();
    assertThat(standalone.failPoints().fires(FailPoints.STOP_REPL_PRODUCER)).isFalse();
  }

  @Test
  void shutsDownWithNothingToHandOver() {
    assertThatCode(
            () -> {
              standalone.stepDownForShutdown(10_000);
              standalone.close();
            })
        .doesNotThrowAnyException();
  }

  @Test
  void theReplicaSetCommandsAreRefusedWith76NoReplicationEnabled() {
    assertThatThrownBy(standalone::replicaSetCommands)
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> {
              assertThat(e.error()).isEqualTo(ErrorCode.NO_REPLICATION_ENABLED);
              assertThat(e.error().code()).isEqualTo(76);
              assertThat(e.getMessage()).isEqualTo("not running with --replSet");
            });
  }
}
