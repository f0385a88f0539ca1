package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.ReplSetConfig;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** replSetInitiate and replSetReconfig's decisions with a real core and a recording coordinator. */
class ReconfigCoordinatorTest {
  private final FakeReplication replication = new FakeReplication();
  private final ReconfigCoordinator reconfigs =
      new ReconfigCoordinator(
          replication,
          "rs0",
          "a:1",
          replication,
          new ProgressSignal(),
          new Random(7),
          Clock.systemUTC());

  private static void assertError(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.error()).isEqualTo(code));
  }

  @Test
  void initiateWithoutAConfigInstallsOneMemberNamedAsThisNode() {
    reconfigs.initiate(null);

    assertThat(replication.installed).hasSize(1);
    ReplSetConfig config = replication.installed.get(0);
    assertThat(config.name()).isEqualTo("rs0");
    assertThat(config.version()).isEqualTo(1);
    assertThat(config.members()).extracting(MemberConfig::host).containsExactly("a:1");
    assertThat(config.replicaSetId()).isPresent();
    assertThat(config.term()).isEqualTo(replication.topology.term());
  }

  @Test
  void initiateRefusesAnotherSetAConfigWithoutThisNodeAndASecondInitiate() {
    assertError(
        () ->
            reconfigs.initiate(
                BsonDocument.parse("{_id: 'other', members: [{_id: 0, host: 'a:1'}]}")),
        ErrorCode.INVALID_REPLICA_SET_CONFIG);
    assertError(
        () ->
            reconfigs.initiate(
                BsonDocument.parse("{_id: 'rs0', members: [{_id: 0, host: 'b:1'}]}")),
        ErrorCode.NODE_NOT_FOUND);
    assertThat(replication.installed).isEmpty();

    replication.topology.installConfig(
        0, ReplSetConfig.builder("rs0").member(MemberConfig.of(0, "a:1")).build());
    assertError(() -> reconfigs.initiate(null), ErrorCode.ALREADY_INITIALIZED);
  }

  @Test
  void aSafeReconfigRunsOnlyOnTheWritablePrimaryAndForceSkipsTheWait() {
    ReplSetConfig current =
        ReplSetConfig.builder("rs0")
            .member(MemberConfig.of(0, "a:1"))
            .member(MemberConfig.of(1, "b:1"))
            .build();
    replication.topology.installConfig(0, current);
    BsonDocument next =
        BsonDocument.parse(
            "{_id: 'rs0', version: 2, members: [{_id: 0, host: 'a:1'}, {_id: 1, host: 'b:1',"
                + " priority: 0}]}");

    assertError(() -> reconfigs.reconfig(next, false, 0), ErrorCode.NOT_WRITABLE_PRIMARY);

    reconfigs.reconfig(next, true, 0);
    assertThat(replication.installed).hasSize(1);
    ReplSetConfig forced = replication.installed.get(0);
    assertThat(forced.version()).isBetween(10_001, 100_000);
    assertThat(forced.term()).isEqualTo(-1);
    assertThat(forced.findMemberById(1).orElseThrow().priority()).isZero();
  }

  /** The coordinator's side around a real core; installs are recorded, not made. */
  private static final class FakeReplication extends FakeCoordinator
      implements ReconfigCoordinator.Replication {
    final List<ReplSetConfig> installed = new CopyOnWriteArrayList<>();

    @Override
    public boolean isSelf(String host) {
      return host.equals("a:1");
    }

    @Override
    public void installFirst(ReplSetConfig config) {
      installed.add(config);
    }

    @Override
    public void installNext(ReplSetConfig config) {
      installed.add(config);
    }

    @Override
    public boolean hasClusterWideWriteConcern() {
      return false;
    }
  }
}
