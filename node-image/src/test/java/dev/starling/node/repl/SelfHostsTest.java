package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelfHostsTest {
  final SelfHosts self =
      new SelfHosts(
          List.of("node-0:27017", "localhost:27017"), host -> host.equals("10.0.0.5:27017"));

  @Test
  void aNameItAnswersToInAnyCaseOrAnAddressOfThisMachineIsSelf() {
    assertThat(self.isSelf("NODE-0:27017")).isTrue();
    assertThat(self.isSelf("localhost:27017")).isTrue();
    assertThat(self.isSelf("10.0.0.5:27017")).isTrue();
    assertThat(self.isSelf("node-1:27017")).isFalse();
    assertThat(self.preferred()).isEqualTo("node-0:27017");
  }

  @Test
  void findsTheHostByWhichAConfigNamesThisNode() {
    ReplSetConfig config =
        ReplSetConfig.builder("rs0")
            .member(MemberConfig.of(0, "node-1:27017"))
            .member(MemberConfig.of(1, "10.0.0.5:27017"))
            .build();
    ReplSetConfig without =
        ReplSetConfig.builder("rs0").member(MemberConfig.of(0, "node-1:27017")).build();

    assertThat(self.in(config)).isEqualTo("10.0.0.5:27017");
    assertThat(self.in(without)).isNull();
  }

  @Test
  void goesByItsPreferredNameUntilAConfigNamesIt() {
    TopologyCoordinator topology = new TopologyCoordinator("10.0.0.5:27017", new Random(1));
    assertThat(self.current(topology)).isEqualTo("node-0:27017");

    topology.installConfig(
        0,
        ReplSetConfig.builder("rs0")
            .member(MemberConfig.of(0, "node-1:27017"))
            .member(MemberConfig.of(1, "10.0.0.5:27017"))
            .build());
    assertThat(self.current(topology)).isEqualTo("10.0.0.5:27017");
  }
}
