package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.TopologyCoordinator;
import java.util.Random;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class HelloResponseTest {
  final TopologyVersion topologyVersion = new TopologyVersion();

  private void assertRefused(String json, ErrorCode code) {
    assertThatThrownBy(
            () -> HelloResponse.awaitTopologyChange(topologyVersion, BsonDocument.parse(json)))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.error()).isEqualTo(code));
  }

  @Test
  void anAwaitableHelloNeedsBothItsFieldsWellFormed() {
    assertThatCode(
            () ->
                HelloResponse.awaitTopologyChange(
                    topologyVersion, BsonDocument.parse("{hello: 1}")))
        .doesNotThrowAnyException();
    assertRefused("{hello: 1, maxAwaitTimeMS: 10}", ErrorCode.FAILED_TO_PARSE);
    assertRefused(
        "{hello: 1, topologyVersion: {processId: 'x', counter: 0}, maxAwaitTimeMS: 10}",
        ErrorCode.TYPE_MISMATCH);
    String version = topologyVersion.current().toBsonDocument().toJson();
    assertRefused(
        "{hello: 1, topologyVersion: " + version + ", maxAwaitTimeMS: -1}", ErrorCode.BAD_VALUE);
  }

  @Test
  void aHelloThatKnowsTheCurrentVersionWaitsUntilMaxAwaitTimeMS() {
    String version = topologyVersion.current().toBsonDocument().toJson();
    long start = System.nanoTime();

    HelloResponse.awaitTopologyChange(
        topologyVersion,
        BsonDocument.parse("{hello: 1, topologyVersion: " + version + ", maxAwaitTimeMS: 50}"));

    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(40_000_000L);
  }

  @Test
  void aMemberWithoutAConfigSaysSo() {
    ReplicationStatus status =
        ReplicationStatus.of(
            new TopologyCoordinator("a:1", new Random(1)),
            false,
            0,
            OpTime.NULL,
            0,
            0,
            topologyVersion.current());

    BsonDocument fields = HelloResponse.fields(status, "isWritablePrimary");

    assertThat(fields.getBoolean("isWritablePrimary").getValue()).isFalse();
    assertThat(fields.getBoolean("isreplicaset").getValue()).isTrue();
    assertThat(fields.getDocument("topologyVersion"))
        .isEqualTo(topologyVersion.current().toBsonDocument());
    assertThat(fields).doesNotContainKey("setName");
  }
}
