package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpOptionsTest {
  @Test
  void noFlagsMeansAttachedWithTheExampleAndThreeNodes() {
    assertThat(UpOptions.parse(List.of())).isEqualTo(new UpOptions(false, true, 3));
  }

  @Test
  void everyFlagIsRead() {
    assertThat(UpOptions.parse(List.of("--detach", "--no-example", "--nodes", "0")))
        .isEqualTo(new UpOptions(true, false, 0));
  }

  @Test
  void nodesTakesItsValueAfterAnEqualsSignToo() {
    assertThat(UpOptions.parse(List.of("--nodes=5")).nodes()).isEqualTo(5);
  }

  @Test
  void anUnknownFlagIsRefusedWithTheUsage() {
    assertThatThrownBy(() -> UpOptions.parse(List.of("--detached")))
        .isInstanceOf(LocalException.class)
        .hasMessage(
            "up: unknown argument '--detached' (usage: up [--detach] [--no-example] [--nodes N])");
  }

  @Test
  void nodesNeedsAWholeNumberInRange() {
    assertThatThrownBy(() -> UpOptions.parse(List.of("--nodes")))
        .hasMessage("up: --nodes needs a number");
    assertThatThrownBy(() -> UpOptions.parse(List.of("--nodes", "three")))
        .hasMessage("up: --nodes needs a whole number, not 'three'");
    assertThatThrownBy(() -> UpOptions.parse(List.of("--nodes", "-1")))
        .hasMessage("up: --nodes must be between 0 and 50");
  }
}
