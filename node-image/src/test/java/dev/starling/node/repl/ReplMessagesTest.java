package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.HeartbeatRequest;
import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.VoteRequest;
import dev.starling.node.repl.core.VoteResponse;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** Every node-to-node message reads back as it was written. */
class ReplMessagesTest {
  @Test
  void heartbeatsRoundTrip() {
    HeartbeatRequest request = new HeartbeatRequest("rs0", 2, 7, 3, 6, true);
    BsonDocument wire = ReplMessages.heartbeatRequest(request, "h:1");
    assertThat(wire.getString("from").getValue()).isEqualTo("h:1");
    assertThat(ReplMessages.heartbeatRequest(wire)).isEqualTo(request);

    HeartbeatResponse response =
        new HeartbeatResponse(
            "rs0",
            MemberState.SECONDARY,
            7,
            3,
            6,
            OpTime.of(100, 2, 7),
            OpTime.of(100, 1, 7),
            OpTime.of(99, 1, 7),
            0,
            0,
            0);
    assertThat(ReplMessages.heartbeatResponse(ReplMessages.heartbeatResponse(response)))
        .isEqualTo(response);
  }

  @Test
  void votesRoundTrip() {
    VoteRequest request = new VoteRequest("rs0", true, 4, 1, 2, 3, OpTime.of(5, 6, 3));
    assertThat(ReplMessages.voteRequest(ReplMessages.voteRequest(request))).isEqualTo(request);
    VoteResponse response = new VoteResponse(4, false, "already voted");
    assertThat(ReplMessages.voteResponse(ReplMessages.voteResponse(response))).isEqualTo(response);
  }

  @Test
  void positionsRoundTripAndAMissingOpTimeIsNull() {
    ReplMessages.Position p =
        new ReplMessages.Position(2, 5, OpTime.of(10, 1, 2), OpTime.of(9, 4, 2));
    assertThat(ReplMessages.position(ReplMessages.position(p))).isEqualTo(p);
    assertThat(ReplMessages.opTime((org.bson.BsonValue) null)).isEqualTo(OpTime.NULL);
    assertThat(ReplMessages.opTime(BsonDocument.parse("{ts: Timestamp(0, 0), t: -1}")))
        .isEqualTo(OpTime.NULL);
  }
}
