package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupervisorOptionsTest {
  @Test
  void whatUpWritesTheSupervisorReadsBack() {
    SupervisorOptions attached =
        new SupervisorOptions(Path.of("/w"), Path.of("/bin"), 22729, 3, "/proc/42/ns/net", 42);
    SupervisorOptions detached =
        new SupervisorOptions(Path.of("/w"), Path.of("/bin"), 22729, 0, "/proc/42/ns/net", 0);

    assertThat(SupervisorOptions.parse(attached.toArgs())).isEqualTo(attached);
    assertThat(SupervisorOptions.parse(detached.toArgs())).isEqualTo(detached);
    assertThat(detached.toArgs()).doesNotContain("--watch-pid");
  }

  @Test
  void missingRequiredOptionsAreNamed() {
    assertThatThrownBy(() -> SupervisorOptions.parse(List.of("--checkout", "/w")))
        .isInstanceOf(LocalException.class)
        .hasMessageContaining("--checkout, --bin, --api-port and --host-netns are required");
  }
}
