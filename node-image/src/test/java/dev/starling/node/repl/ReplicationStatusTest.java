package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.TopologyCoordinator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicationStatusTest {
  final TopologyCoordinator topology = new TopologyCoordinator("a:1", new Random(3));
  final TopologyVersion.Version version = new TopologyVersion().current();

  private ReplicationStatus status() {
    return ReplicationStatus.of(topology, false, 42, OpTime.NULL, 0, 1_000, version);
  }

  @Test
  void beforeAConfigThereIsNoSelfNorPrimary() {
    ReplicationStatus s = status();

    assertThat(s.config()).isNull();
    assertThat(s.self()).isNull();
    assertThat(s.primary()).isNull();
    assertThat(s.state()).isEqualTo(MemberState.STARTUP);
    assertThat(s.lastWriteWallMillis()).isEqualTo(42);
    assertThat(s.topologyVersion()).isEqualTo(version);
  }

  @Test
  void namesThisMemberAndThePrimaryByTheirHostsInTheConfig() {
    topology.installConfig(0, FakeCoordinator.THREE);
    OpTime applied = OpTime.of(10, 1, 1);
    topology.processHeartbeatResponse(
        0,
        1,
        new HeartbeatResponse(
            "rs0", MemberState.PRIMARY, 1, 1, 0, applied, applied, OpTime.NULL, 1, -1, 0),
        1);

    ReplicationStatus s = status();

    assertThat(s.self()).isEqualTo("a:1");
    assertThat(s.primary()).isEqualTo("b:1");
    assertThat(s.members()).hasSize(3);
  }
}
