package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.WriteConcernMode;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class WriteConcernWaiterTest {
  private static final OpTime WRITE = OpTime.of(100, 1, 1);

  private final Object monitor = new Object();
  private final FakeReplication replication = new FakeReplication();
  private final ProgressSignal progress = new ProgressSignal();
  private final WriteConcernWaiter waiter =
      new WriteConcernWaiter(monitor, replication, progress, Clock.systemUTC());

  private CompletableFuture<BsonDocument> awaitAfterWriting(String writeConcern) {
    return CompletableFuture.supplyAsync(
        () -> {
          waiter.wrote(WRITE);
          return waiter.await(BsonDocument.parse(writeConcern));
        });
  }

  private static int code(BsonDocument error) {
    return error.getInt32("code").getValue();
  }

  /** The commit point moves to {@code committed}, as the coordinator tells the waiter. */
  private void moveCommitPoint(OpTime committed) {
    synchronized (monitor) {
      replication.committed = committed;
      waiter.commitPointMoved(committed);
    }
  }

  @Test
  void wOneIsSatisfiedByTheWriteItself() {
    assertThat(waiter.await(BsonDocument.parse("{w: 1}"))).isNull();
    assertThat(replication.checks).isZero();
  }

  @Test
  void aMajorityWaitReturnsOnceTheCommitPointReachesTheWrite() throws Exception {
    CompletableFuture<BsonDocument> wait = awaitAfterWriting("{w: 'majority'}");
    moveCommitPoint(OpTime.of(99, 1, 1));
    assertThat(wait).isNotDone();
    moveCommitPoint(WRITE);
    assertThat(wait.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aNumberedWaitChecksAgainOnProgress() throws Exception {
    CompletableFuture<BsonDocument> wait = awaitAfterWriting("{w: 2}");
    synchronized (monitor) {
      replication.membersAtWrite = 2;
    }
    progress.signal();
    assertThat(wait.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aWaitPastItsWtimeoutFailsWith64() throws Exception {
    BsonDocument error = awaitAfterWriting("{w: 3, wtimeout: 20}").get(5, TimeUnit.SECONDS);
    assertThat(code(error)).isEqualTo(64);
    assertThat(error.getDocument("errInfo").getBoolean("wtimeout").getValue()).isTrue();
  }

  @Test
  void aWaitFailsWith11602WhenTheMemberStepsDown() throws Exception {
    CompletableFuture<BsonDocument> wait = awaitAfterWriting("{w: 'majority'}");
    // Until the wait has begun, a step-down would not concern it.
    org.awaitility.Awaitility.await().until(() -> replication.checks > 0);
    synchronized (monitor) {
      replication.generation++;
      waiter.wakeAll();
    }
    assertThat(code(wait.get(5, TimeUnit.SECONDS))).isEqualTo(11602);
  }

  @Test
  void concernsTheSetCanNeverSatisfyFailAtOnce() {
    assertThat(code(waiter.await(BsonDocument.parse("{w: 'nosuchmode'}")))).isEqualTo(79);
    assertThat(code(waiter.await(BsonDocument.parse("{w: 4}")))).isEqualTo(100);
  }

  // ------------------------------------------------ a linearizable read's no-op (awaitCommitted)

  private CompletableFuture<BsonDocument> awaitCommitted(long generation, long maxMillis) {
    return CompletableFuture.supplyAsync(() -> waiter.awaitCommitted(WRITE, generation, maxMillis));
  }

  @Test
  void aNoopWaitReturnsOnceTheCommitPointReachesTheEntry() throws Exception {
    CompletableFuture<BsonDocument> wait = awaitCommitted(0, 0);
    org.awaitility.Awaitility.await().until(() -> replication.checks > 0);
    assertThat(wait).isNotDone();
    moveCommitPoint(WRITE);
    assertThat(wait.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aNoopWaitPastItsTimeFailsWith64() throws Exception {
    BsonDocument error = awaitCommitted(0, 20).get(5, TimeUnit.SECONDS);
    assertThat(code(error)).isEqualTo(64);
  }

  @Test
  void aNoopWaitFailsWith11602WhenTheMemberStepsDownEvenIfTheCommitPointPassedTheEntry()
      throws Exception {
    CompletableFuture<BsonDocument> wait = awaitCommitted(0, 0);
    org.awaitility.Awaitility.await().until(() -> replication.checks > 0);
    synchronized (monitor) {
      // Stepped down, then learned a commit point in a newer term from the new primary.
      replication.generation++;
      replication.committed = OpTime.of(200, 1, 2);
      waiter.commitPointMoved(replication.committed);
    }
    assertThat(code(wait.get(5, TimeUnit.SECONDS))).isEqualTo(11602);
  }

  @Test
  void aNoopWrittenBeforeAStepDownFailsAtOnce() throws Exception {
    synchronized (monitor) {
      replication.committed = WRITE;
      replication.generation = 1;
    }
    // The generation sampled before the entry was written is 0: a step-down came in between.
    assertThat(code(awaitCommitted(0, 0).get(5, TimeUnit.SECONDS))).isEqualTo(11602);
  }

  /** Three members; the commit point and how many hold the write are set by each test. */
  private static final class FakeReplication implements WriteConcernWaiter.Replication {
    private final ReplSetConfig config =
        ReplSetConfig.builder("rs")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .member(MemberConfig.of(2, "c:1"))
            .build();
    OpTime committed = OpTime.NULL;
    int membersAtWrite = 1;
    long generation;
    volatile int checks;

    @Override
    public ReplSetConfig config() {
      return config;
    }

    @Override
    public OpTime lastApplied() {
      return WRITE;
    }

    @Override
    public boolean satisfied(WriteConcernRequest request, WriteConcernMode mode, OpTime target) {
      checks++;
      return request.majority() ? !committed.isBefore(target) : membersAtWrite >= request.count();
    }

    @Override
    public long stateGeneration() {
      return generation;
    }

    @Override
    public boolean closed() {
      return false;
    }

    @Override
    public String positions() {
      return "commit point " + committed;
    }
  }
}
