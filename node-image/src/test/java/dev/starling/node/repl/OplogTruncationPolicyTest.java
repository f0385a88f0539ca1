package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

class OplogTruncationPolicyTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long HOUR = 3_600_000;
  private static final BsonTimestamp OLD = new BsonTimestamp(1_700_000_000, 1);
  private static final BsonTimestamp COMMITTED = new BsonTimestamp(1_700_000_100, 1);
  private static final BsonTimestamp NEWEST = new BsonTimestamp(1_700_000_200, 1);

  @Test
  void removesTheOldestEntryOnlyWhileTheOplogIsLargerThanItsSize() {
    OplogTruncationPolicy policy = OplogTruncationPolicy.of(1000, 0);
    assertThat(policy.mayRemove(1001, OLD, NOW - 1, COMMITTED, NEWEST, NOW)).isTrue();
    assertThat(policy.mayRemove(1000, OLD, NOW - 1, COMMITTED, NEWEST, NOW)).isFalse();
    assertThat(policy.mayRemove(10, OLD, NOW - 1, COMMITTED, NEWEST, NOW)).isFalse();
  }

  @Test
  void neverRemovesAnEntryAtOrAfterTheMajorityCommitPoint() {
    OplogTruncationPolicy policy = OplogTruncationPolicy.of(1000, 0);
    assertThat(policy.mayRemove(5000, COMMITTED, NOW - 1, COMMITTED, NEWEST, NOW)).isFalse();
    assertThat(policy.mayRemove(5000, NEWEST, NOW - 1, COMMITTED, NEWEST, NOW)).isFalse();
    assertThat(policy.mayRemove(5000, OLD, NOW - 1, null, NEWEST, NOW)).isFalse();
  }

  @Test
  void neverRemovesTheNewestEntry() {
    OplogTruncationPolicy policy = OplogTruncationPolicy.of(1000, 0);
    BsonTimestamp ahead = new BsonTimestamp(1_700_000_300, 1);
    assertThat(policy.mayRemove(5000, NEWEST, NOW - 1, ahead, NEWEST, NOW)).isFalse();
  }

  @Test
  void keepsEntriesInsideTheMinimumRetentionPeriod() {
    OplogTruncationPolicy policy = OplogTruncationPolicy.of(1000, 1.5);
    assertThat(policy.minRetentionMillis()).isEqualTo(90 * 60_000);
    assertThat(policy.mayRemove(5000, OLD, NOW - HOUR, COMMITTED, NEWEST, NOW)).isFalse();
    assertThat(policy.mayRemove(5000, OLD, NOW - 90 * 60_000, COMMITTED, NEWEST, NOW)).isTrue();
    assertThat(policy.mayRemove(5000, OLD, NOW - 2 * HOUR, COMMITTED, NEWEST, NOW)).isTrue();
  }
}
