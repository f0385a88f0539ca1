package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteHistoryTest {

  @TempDir Path dir;

  private WriteHistory history(String... lines) throws Exception {
    Path file = dir.resolve("h.jsonl");
    Files.write(file, List.of(lines));
    return WriteHistory.read("java", file);
  }

  private static String ok(long id, double sent, double acked) {
    return "{\"writer\":\"java\",\"id\":%d,\"sent\":%s,\"ok\":true,\"acked\":%s,\"server\":\"a:1\"}"
        .formatted(id, sent, acked);
  }

  private static String failed(long id, double sent, double at, String error, Integer code) {
    return ("{\"writer\":\"python\",\"id\":%d,\"sent\":%s,\"ok\":false,\"failed\":%s,"
            + "\"error\":\"%s\",\"code\":%s,\"codeName\":null,\"message\":\"m\"}")
        .formatted(id, sent, at, error, code);
  }

  @Test
  void everyAcknowledgedWritePresentOnceIsClean() throws Exception {
    WriteHistory h = history(ok(1, 0, 10), ok(2, 10, 20), failed(3, 20, 30, "AutoReconnect", null));
    WriteHistory.Report r = h.check(List.of(1L, 2L), 0, 40);
    assertThat(r.acked()).isEqualTo(2);
    assertThat(r.lost()).isEmpty();
    assertThat(r.duplicated()).isEmpty();
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.failedButPresent()).isZero();
    assertThat(r.errors()).containsEntry("AutoReconnect", 1);
  }

  @Test
  void aMissingAcknowledgedWriteIsLostAndATwiceHeldIdIsDuplicated() throws Exception {
    WriteHistory h = history(ok(1, 0, 10), ok(2, 10, 20), ok(3, 20, 30));
    WriteHistory.Report r = h.check(List.of(1L, 3L, 3L, 9L), 0, 40);
    assertThat(r.lost()).containsExactly(2L);
    assertThat(r.duplicated()).containsExactly(3L);
    assertThat(r.unknownPresent()).containsExactly(9L);
  }

  @Test
  void aFailedWriteThatLandedAnywayIsCountedNotLost() throws Exception {
    WriteHistory h =
        history(ok(1, 0, 10), failed(2, 10, 5000, "MongoSocketReadTimeoutException", null));
    WriteHistory.Report r = h.check(List.of(1L, 2L), 0, 6000);
    assertThat(r.lost()).isEmpty();
    assertThat(r.failedButPresent()).isEqualTo(1);
    assertThat(r.errors()).containsEntry("MongoSocketReadTimeoutException", 1);
  }

  @Test
  void theLongestGapIsBetweenSuccessiveAcknowledgementsAfterTheFault() throws Exception {
    WriteHistory h =
        history(
            ok(1, 0, 100),
            ok(2, 100, 3100), // a 3 s gap, ended before the fault: not counted
            ok(3, 3100, 5000),
            failed(4, 5000, 6000, "MongoWriteConcernException", 64),
            ok(5, 6050, 7000), // 2 s from 5000, across the fault at 5500
            ok(6, 7000, 7100));
    WriteHistory.Report r = h.check(List.of(1L, 2L, 3L, 5L, 6L), 5500, 7200);
    assertThat(r.longestGapMillis()).isEqualTo(2000);
    assertThat(r.gapStart()).isEqualTo(5000);
    assertThat(r.errors()).containsEntry("MongoWriteConcernException(64)", 1);
  }

  @Test
  void writesThatNeverResumedCountUpToTheEnd() throws Exception {
    WriteHistory h =
        history(ok(1, 0, 100), failed(2, 100, 5100, "ServerSelectionTimeoutError", null));
    WriteHistory.Report r = h.check(List.of(1L), 1000, 9100);
    assertThat(r.longestGapMillis()).isEqualTo(9000);
  }

  @Test
  void aLineCutShortByAKilledWriterIsSkipped() throws Exception {
    WriteHistory h = history(ok(1, 0, 10), "{\"writer\":\"java\",\"id\":2,\"se");
    assertThat(h.attempts()).hasSize(1);
    assertThat(h.ackedAfter(5)).isEqualTo(1);
  }
}
