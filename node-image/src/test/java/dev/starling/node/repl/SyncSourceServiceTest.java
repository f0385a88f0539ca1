package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class SyncSourceServiceTest {
  private final FakeReplication replication = new FakeReplication();
  private final FailPoints failPoints = new FailPoints();
  private final SyncSourceService service =
      new SyncSourceService(replication, replication, failPoints, Clock.systemUTC());

  @Test
  void anOplogReplyCarriesThisMembersViewNow() {
    replication.topology.installConfig(0, FakeCoordinator.THREE);
    replication.topology.setMyLastOpTimes(OpTime.of(10, 1, 0), OpTime.of(10, 1, 0));

    BsonDocument metadata = service.oplogQueryMetadata();

    BsonDocument repl = metadata.getDocument("$replData");
    assertThat(repl.getInt64("term").getValue()).isZero();
    assertThat(repl.getInt32("configVersion").getValue()).isEqualTo(1);
    BsonDocument query = metadata.getDocument("$oplogQueryData");
    assertThat(ReplMessages.opTime(query.getDocument("lastOpApplied")))
        .isEqualTo(OpTime.of(10, 1, 0));
    assertThat(query.getInt32("state").getValue()).isEqualTo(MemberState.SECONDARY.code());
  }

  @Test
  void aBatchReadWhileReplicationTrafficIsDroppedIsNeverSent() {
    replication.topology.installConfig(0, FakeCoordinator.THREE);
    failPoints.configure(FailPoints.DROP_REPLICATION_TRAFFIC, new BsonString("alwaysOn"));
    assertThatThrownBy(service::oplogQueryMetadata).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aTailingReaderWakesWhenAnEntryAfterWhatItSawIsApplied() throws Exception {
    replication.topology.installConfig(0, FakeCoordinator.THREE);
    replication.topology.setMyLastOpTimes(OpTime.of(10, 1, 0), OpTime.of(10, 1, 0));
    long seen = OpTime.of(10, 1, 0).ts().getValue();
    CompletableFuture<Long> waited =
        CompletableFuture.supplyAsync(
            () -> {
              long start = System.nanoTime();
              try {
                service.awaitOplogAfter(seen, 30_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return (System.nanoTime() - start) / 1_000_000;
            });
    synchronized (replication) {
      replication.topology.setMyLastOpTimes(OpTime.of(11, 1, 0), OpTime.of(10, 1, 0));
    }
    service.oplogMoved();

    assertThat(waited.get(5, TimeUnit.SECONDS))
        .as("well before the await's cap (a quarter of the election timeout: 1 s)")
        .isLessThan(1_000);
  }

  private static final class FakeReplication extends FakeCoordinator
      implements SyncSourceService.Replication {}
}
