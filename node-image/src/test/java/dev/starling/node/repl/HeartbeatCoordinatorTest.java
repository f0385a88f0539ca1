package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.HeartbeatRequest;
import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.MemberStatus;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Heartbeats against fake peers, with a real core. */
class HeartbeatCoordinatorTest {
  private static final ReplSetConfig CONFIG = FakeCoordinator.THREE;

  private final FakeReplication replication = new FakeReplication();
  private final FakePeers peers = new FakePeers();
  private final HeartbeatCoordinator heartbeats =
      new HeartbeatCoordinator(replication, "rs0", replication, peers, Clock.systemUTC());

  @AfterEach
  void stop() {
    synchronized (replication) {
      replication.closed = true;
      heartbeats.stop();
    }
  }

  private void configured() {
    replication.topology.installConfig(0, CONFIG);
  }

  private static BsonDocument heartbeatFrom(int id, String host, int configVersion) {
    return ReplMessages.heartbeatRequest(
        new HeartbeatRequest("rs0", id, 0, configVersion, configVersion < 0 ? -1 : 0), host);
  }

  @Test
  void aHeartbeatForAnotherSetIsRefused() {
    configured();
    BsonDocument other =
        ReplMessages.heartbeatRequest(new HeartbeatRequest("other", 1, 0, 1, 0), "b:1");
    assertThatThrownBy(() -> heartbeats.onHeartbeat(other))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.INCONSISTENT_REPLICA_SET_NAMES));
  }

  @Test
  void aSenderWithAnOlderConfigGetsOursInTheReply() {
    configured();
    BsonDocument reply = heartbeats.onHeartbeat(heartbeatFrom(1, "b:1", 0));
    assertThat(reply.getDocument("config")).isEqualTo(CONFIG.toBsonDocument());
    assertThat(replication.published).isPositive();

    BsonDocument current = heartbeats.onHeartbeat(heartbeatFrom(1, "b:1", CONFIG.version()));
    assertThat(current.containsKey("config")).isFalse();
  }

  @Test
  void aNodeWithoutAConfigFetchesOneFromASenderThatHasIt() {
    peers.config = CONFIG.toBsonDocument();
    BsonDocument reply = heartbeats.onHeartbeat(heartbeatFrom(1, "b:1", CONFIG.version()));

    assertThat(reply.getInt32("configVersion").getValue()).isEqualTo(-2);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(replication.adopted).containsExactly(CONFIG.toBsonDocument()));
    assertThat(peers.calledHosts).contains("b:1");
  }

  @Test
  void everyOtherMemberIsHeartbeatedAndItsReplyReachesTheCore() {
    configured();
    synchronized (replication) {
      heartbeats.restart();
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              synchronized (replication) {
                List<MemberStatus> statuses =
                    replication.topology.memberStatuses(Clock.systemUTC().millis());
                assertThat(statuses)
                    .filteredOn(m -> !m.self())
                    .extracting(MemberStatus::state)
                    .containsOnly(MemberState.SECONDARY)
                    .hasSize(2);
              }
            });
    assertThat(peers.calledHosts).contains("b:1", "c:1").doesNotContain("a:1");
  }

  @Test
  void aFirstConfigFromAPeerIsInstalledAndAnEmptyMemberSyncsInitially() {
    heartbeats.adoptConfig(CONFIG);

    assertThat(replication.adopted).containsExactly(CONFIG.toBsonDocument());
    assertThat(replication.topology.config()).isEqualTo(CONFIG);
    assertThat(replication.initialSync).isTrue();
    assertThat(replication.published).isPositive();
  }

  @Test
  void onlyANewerConfigOfThisSetIsAdopted() {
    configured();
    ReplSetConfig other =
        ReplSetConfig.parse(
            CONFIG
                .toBsonDocument()
                .append("_id", new org.bson.BsonString("other"))
                .append("version", new BsonInt32(CONFIG.version() + 1)));
    ReplSetConfig newer =
        ReplSetConfig.parse(
            CONFIG.toBsonDocument().append("version", new BsonInt32(CONFIG.version() + 1)));

    heartbeats.adoptConfig(CONFIG);
    heartbeats.adoptConfig(other);
    assertThat(replication.adopted).isEmpty();

    heartbeats.adoptConfig(newer);
    assertThat(replication.adopted).containsExactly(newer.toBsonDocument());
    assertThat(replication.initialSync).as("only a member's first config starts one").isFalse();
  }

  /** Peers that answer every heartbeat as a SECONDARY of the set, with {@code config} if set. */
  private static final class FakePeers implements PeerCaller {
    volatile BsonDocument config;
    final List<String> calledHosts = new CopyOnWriteArrayList<>();

    @Override
    public BsonDocument call(String host, String db, BsonDocument command, long timeoutMillis) {
      calledHosts.add(host);
      BsonDocument reply =
          ReplMessages.heartbeatResponse(
              new HeartbeatResponse(
                  "rs0",
                  MemberState.SECONDARY,
                  0,
                  CONFIG.version(),
                  0,
                  OpTime.NULL,
                  OpTime.NULL,
                  OpTime.NULL,
                  -1,
                  -1,
                  0));
      if (config != null) {
        reply.append("config", config);
      }
      return reply.append("ok", new BsonInt32(1));
    }

    @Override
    public boolean probeRefused(String host, int timeoutMillis) {
      return false;
    }
  }

  /** The coordinator's side: a real core, and a record of what the heartbeats asked for. */
  private static final class FakeReplication extends FakeCoordinator
      implements HeartbeatCoordinator.Replication {
    volatile int published;
    final List<BsonDocument> adopted = new CopyOnWriteArrayList<>();

    @Override
    public void publish() {
      published++;
    }

    @Override
    public String selfHost() {
      return "a:1";
    }

    volatile boolean initialSync;

    @Override
    public void installFirst(ReplSetConfig config) {
      adopted.add(config.toBsonDocument());
      topology.installConfig(0, config);
    }

    @Override
    public void installNext(ReplSetConfig config) {
      adopted.add(config.toBsonDocument());
      topology.installConfig(0, config);
    }

    @Override
    public void needInitialSync() {
      initialSync = true;
    }
  }
}
