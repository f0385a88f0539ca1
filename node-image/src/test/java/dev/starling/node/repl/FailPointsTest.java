package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class FailPointsTest {
  @Test
  void modesAlwaysOnTimesAndOff() {
    FailPoints points = new FailPoints();
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isFalse();
    points.configure(FailPoints.STOP_REPL_PRODUCER, new BsonString("alwaysOn"));
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isTrue();
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isTrue();
    points.configure(FailPoints.STOP_REPL_PRODUCER, BsonDocument.parse("{times: 2}"));
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isTrue();
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isTrue();
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isFalse();
    points.configure(FailPoints.STOP_REPL_PRODUCER, new BsonString("alwaysOn"));
    points.configure(FailPoints.STOP_REPL_PRODUCER, new BsonString("off"));
    assertThat(points.fires(FailPoints.STOP_REPL_PRODUCER)).isFalse();
  }

  @Test
  void droppedTrafficIsRefusedWithHostUnreachable() {
    FailPoints points = new FailPoints();
    points.refuseIncomingReplicationTraffic();
    points.configure(FailPoints.DROP_REPLICATION_TRAFFIC, new BsonString("alwaysOn"));
    assertThatThrownBy(points::refuseIncomingReplicationTraffic)
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.HOST_UNREACHABLE));
  }

  @Test
  void unknownPointsAndModesAreBadValues() {
    FailPoints points = new FailPoints();
    assertThatThrownBy(() -> points.configure("nope", new BsonString("alwaysOn")))
        .isInstanceOf(MongoServerException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(
            () -> points.configure(FailPoints.STOP_REPL_PRODUCER, new BsonString("sometimes")))
        .isInstanceOf(MongoServerException.class);
  }

  @Test
  void aSkipModeLetsTheFirstChancesPassThenStaysOn() {
    FailPoints points = new FailPoints();
    points.configure(
        FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE,
        org.bson.BsonDocument.parse("{skip: 2}"),
        org.bson.BsonDocument.parse("{failBeforeCommitExceptionCode: 1}"));
    assertThat(points.fire(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE)).isNull();
    assertThat(points.fire(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE)).isNull();
    assertThat(points.fire(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE))
        .isEqualTo(org.bson.BsonDocument.parse("{failBeforeCommitExceptionCode: 1}"));
    assertThat(points.fires(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE)).isTrue();
    points.configure(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE, new org.bson.BsonString("off"));
    assertThat(points.fires(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE)).isFalse();
  }
}
