package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.LastVote;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.VoteRequest;
import dev.starling.node.repl.core.VoteResponse;
import dev.starling.node.storage.RocksStorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Elections carried out around a real core, with peers that grant every vote. */
class ElectionDriverTest {
  private static final ReplSetConfig CONFIG = FakeCoordinator.THREE;

  /** Past any randomized election timeout of the default config. */
  private static final long T = 12_000;

  @TempDir Path dir;
  private RocksStorageEngine storage;
  private ElectionDriver elections;
  private final FakeReplication replication = new FakeReplication();
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(T), ZoneOffset.UTC);

  /** Grants every vote, in the request's term. */
  private final PeerCaller grantingPeers =
      new PeerCaller() {
        @Override
        public BsonDocument call(String host, String db, BsonDocument command, long timeout) {
          VoteRequest request = ReplMessages.voteRequest(command);
          return ReplMessages.voteResponse(new VoteResponse(request.term(), true, ""));
        }

        @Override
        public boolean probeRefused(String host, int timeoutMillis) {
          return false;
        }
      };

  @BeforeEach
  void open() {
    OplogWriter oplog = new OplogWriter(clock);
    oplog.termSource(replication.topology::term);
    oplog.acceptWritesWhile(() -> true);
    storage = RocksStorageEngine.open(dir, oplog);
    elections =
        new ElectionDriver(
            replication,
            "rs0",
            replication,
            new VoteRequester(grantingPeers),
            new ReplicationLocalStore(storage),
            oplog,
            storage,
            clock);
    TopologyCoordinator tc = replication.topology;
    tc.installConfig(0, CONFIG);
    for (int id : new int[] {1, 2}) {
      tc.processHeartbeatResponse(
          T, id, FakeCoordinator.reply(MemberState.SECONDARY, 0, OpTime.NULL), 1);
    }
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void aDryRunAndARealElectionWonWithThePeersVotes() {
    synchronized (replication) {
      Action start = replication.topology.tick(T);
      assertThat(start).isInstanceOf(Action.StartElection.class);
      elections.handleStep(((Action.StartElection) start).step());
    }

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              synchronized (replication) {
                return replication.topology.role() == TopologyCoordinator.Role.LEADER;
              }
            });
    assertThat(replication.persisted).contains(new DurableState(1, new LastVote(1, 0)));
  }

  @Test
  void aVoteIsPersistedBeforeItIsGranted() {
    BsonDocument reply =
        elections.onRequestVotes(
            ReplMessages.voteRequest(new VoteRequest("rs0", false, 1, 1, 1, 0, OpTime.NULL)));

    assertThat(ReplMessages.voteResponse(reply).voteGranted()).isTrue();
    assertThat(replication.persisted).containsExactly(new DurableState(1, new LastVote(1, 1)));
  }

  @Test
  void aMemberWithoutAConfigDoesNotVote() {
    FakeReplication empty = new FakeReplication();
    ElectionDriver unconfigured =
        new ElectionDriver(
            empty,
            "rs0",
            empty,
            new VoteRequester(grantingPeers),
            new ReplicationLocalStore(storage),
            new OplogWriter(clock),
            storage,
            clock);
    assertThatThrownBy(
            () ->
                unconfigured.onRequestVotes(
                    ReplMessages.voteRequest(
                        new VoteRequest("rs0", false, 1, 1, 1, 0, OpTime.NULL))))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_YET_INITIALIZED));
  }

  /** The coordinator's side around a real core: records what is persisted. */
  private static final class FakeReplication extends FakeCoordinator
      implements ElectionDriver.Replication {
    final List<DurableState> persisted = new CopyOnWriteArrayList<>();

    @Override
    public void act(DurableState persist, Action action) {
      if (persist != null) {
        persisted.add(persist);
      }
    }

    @Override
    public void wroteNow() {}
  }
}
