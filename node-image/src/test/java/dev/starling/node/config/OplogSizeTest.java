package dev.starling.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OplogSizeTest {
  private static final long GB = 1024L * OplogSize.MB;

  @Test
  void theDefaultIsFivePercentOfTheFreeDiskSpace() {
    assertThat(OplogSize.defaultBytes(100 * GB)).isEqualTo(5 * GB);
    assertThat(OplogSize.defaultBytes(40 * GB)).isEqualTo(2 * GB);
  }

  @Test
  void theDefaultIsAtLeast990MegabytesAndAtMost50Gigabytes() {
    assertThat(OplogSize.defaultBytes(0)).isEqualTo(990 * OplogSize.MB);
    assertThat(OplogSize.defaultBytes(10 * GB)).isEqualTo(990 * OplogSize.MB);
    assertThat(OplogSize.defaultBytes(1000 * GB)).isEqualTo(50 * GB);
    assertThat(OplogSize.defaultBytes(20_000 * GB)).isEqualTo(50 * GB);
  }

  @Test
  void sizesAreDoublesInMegabytes() {
    assertThat(OplogSize.bytes(990)).isEqualTo(990 * OplogSize.MB);
    assertThat(OplogSize.bytes(0.5)).isEqualTo(512 * 1024);
    assertThat(OplogSize.bytes(OplogSize.MAX_MB)).isEqualTo(1024 * 1024 * GB);
  }
}
