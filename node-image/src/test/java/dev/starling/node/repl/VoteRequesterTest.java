package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.VoteRequest;
import dev.starling.node.repl.core.VoteResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class VoteRequesterTest {
  @Test
  void everyVoterIsAskedAndOneThatCannotAnswerCountsAsARefusal() {
    Map<String, BsonDocument> asked = new ConcurrentHashMap<>();
    PeerCaller peers =
        new PeerCaller() {
          @Override
          public BsonDocument call(String host, String db, BsonDocument command, long timeout) {
            asked.put(host, command);
            if (host.equals("c:1")) {
              throw new IllegalStateException("timed out");
            }
            return ReplMessages.voteResponse(new VoteResponse(3, true, ""));
          }

          @Override
          public boolean probeRefused(String host, int timeoutMillis) {
            return host.equals("d:1");
          }
        };
    Map<Integer, String> hosts = new LinkedHashMap<>();
    hosts.put(1, "b:1");
    hosts.put(2, "c:1");
    hosts.put(3, "d:1");
    Map<Integer, VoteResponse> responses = new ConcurrentHashMap<>();
    VoteRequest request = new VoteRequest("rs0", false, 3, 0, 1, -1, OpTime.of(10, 1, 2));

    new VoteRequester(peers).request(3, request, hosts, 1000, responses::put);

    await().atMost(Duration.ofSeconds(5)).until(() -> responses.size() == 3);
    assertThat(responses.get(1).voteGranted()).isTrue();
    assertThat(responses.get(2)).isEqualTo(new VoteResponse(3, false, "no reply: timed out"));
    assertThat(responses.get(3)).isEqualTo(new VoteResponse(3, false, "member is down"));
    assertThat(asked).containsOnlyKeys("b:1", "c:1");
    assertThat(ReplMessages.voteRequest(asked.get("b:1"))).isEqualTo(request);
  }
}
