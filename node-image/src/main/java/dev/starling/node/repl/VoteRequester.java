package dev.starling.node.repl;

import dev.starling.node.repl.core.VoteRequest;
import dev.starling.node.repl.core.VoteResponse;
import java.util.Map;
import org.bson.BsonDocument;

/**
 * Sends one round of an election's {@code replSetRequestVotes} (a dry run or the real one), as
 * mongod's {@code VoteRequester}: to every voter at once, each on its own virtual thread, handing
 * each answer to the coordinator as it comes. A voter that cannot answer (its process is gone, the
 * call fails or times out) counts as a refusal, so a lost election ends at once instead of at its
 * deadline; a refusal never helps a candidate win.
 */
final class VoteRequester {
  /** Receives each voter's answer, on that voter's thread. */
  @FunctionalInterface
  interface Responses {
    void received(int voterId, VoteResponse response);
  }

  private final PeerCaller peers;

  VoteRequester(PeerCaller peers) {
    this.peers = peers;
  }

  /**
   * Asks every voter in {@code hosts} (member id to host) for its vote in {@code term}; each call
   * is bounded by {@code timeoutMillis}.
   */
  void request(
      long term,
      VoteRequest request,
      Map<Integer, String> hosts,
      long timeoutMillis,
      Responses responses) {
    BsonDocument command = ReplMessages.voteRequest(request);
    hosts.forEach(
        (voterId, host) ->
            Thread.ofVirtual()
                .name("repl-vote-" + voterId)
                .start(() -> responses.received(voterId, ask(term, host, command, timeoutMillis))));
  }

  private VoteResponse ask(long term, String host, BsonDocument command, long timeoutMillis) {
    try {
      return peers.probeRefused(host, 250)
          ? new VoteResponse(term, false, "member is down")
          : ReplMessages.voteResponse(peers.call(host, "admin", command, timeoutMillis));
    } catch (RuntimeException e) {
      return new VoteResponse(term, false, "no reply: " + e.getMessage());
    }
  }
}
