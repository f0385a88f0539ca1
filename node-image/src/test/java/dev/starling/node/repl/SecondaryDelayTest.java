package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class SecondaryDelayTest {
  private static BsonDocument entry(long wall) {
    return new BsonDocument("op", new org.bson.BsonString("n"))
        .append("wall", new BsonDateTime(wall));
  }

  @Test
  void anEntryIsDueAtItsWallTimePlusTheDelay() {
    assertThat(SecondaryDelay.dueAt(entry(1_000), 5_000)).isEqualTo(6_000);
    assertThat(SecondaryDelay.dueAt(entry(1_000), 0)).isEqualTo(Long.MIN_VALUE);
    assertThat(SecondaryDelay.dueAt(new BsonDocument(), 5_000)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void onlyTheLeadingRunOfDueEntriesIsApplied() {
    List<BsonDocument> batch = List.of(entry(1_000), entry(2_000), entry(3_000), entry(1_500));
    assertThat(SecondaryDelay.dueEnd(batch, 0, 5_000, 6_999)).isEqualTo(1);
    assertThat(SecondaryDelay.dueEnd(batch, 0, 5_000, 7_000)).isEqualTo(2);
    assertThat(SecondaryDelay.dueEnd(batch, 2, 5_000, 7_000)).isEqualTo(2);
    assertThat(SecondaryDelay.dueEnd(batch, 0, 5_000, 8_000)).isEqualTo(4);
    assertThat(SecondaryDelay.dueEnd(batch, 0, 0, 0)).isEqualTo(4);
  }
}
