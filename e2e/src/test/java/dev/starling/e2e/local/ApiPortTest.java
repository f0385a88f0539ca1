package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiPortTest {
  @Test
  void thePreferredPortIsDerivedFromTheIdWithinTheRange() {
    // 0x0000ffff = 65535; 65535 % 20000 = 5535
    assertThat(ApiPort.preferred("0000ffff")).isEqualTo(25535);
    assertThat(ApiPort.preferred("ffffffff")).isBetween(ApiPort.LOW, ApiPort.HIGH);
    assertThat(ApiPort.preferred("00000000")).isEqualTo(ApiPort.LOW);
  }

  @Test
  void aFreePreferredPortIsTaken() {
    assertThat(ApiPort.choose("0000ffff", port -> true)).isEqualTo(25535);
  }

  @Test
  void aTakenPortMovesOnToTheNextFreeOne() {
    Set<Integer> taken = Set.of(25535, 25536);
    assertThat(ApiPort.choose("0000ffff", port -> !taken.contains(port))).isEqualTo(25537);
  }

  @Test
  void theSearchWrapsAroundAtTheTopOfTheRange() {
    String idOfHighest = Integer.toHexString(ApiPort.HIGH - ApiPort.LOW); // 19999 -> 39999
    assertThat(ApiPort.preferred(idOfHighest)).isEqualTo(ApiPort.HIGH);
    assertThat(ApiPort.choose(idOfHighest, port -> port != ApiPort.HIGH)).isEqualTo(ApiPort.LOW);
  }

  @Test
  void noFreePortIsAFailureThatSaysWhere() {
    assertThatThrownBy(() -> ApiPort.choose("0000ffff", port -> false))
        .isInstanceOf(LocalException.class)
        .hasMessageContaining("no free port for the API server on 127.0.0.1")
        .hasMessageContaining("25535");
  }
}
