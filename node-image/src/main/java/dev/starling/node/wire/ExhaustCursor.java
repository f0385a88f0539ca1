package dev.starling.node.wire;

import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/**
 * Exhaust cursors: a getMore sent with the exhaustAllowed flag asks the node to stream the rest of
 * the cursor. Each reply sets moreToCome while the cursor stays open, and the connection answers
 * the same getMore again without a request; the reply that closes the cursor (id 0), an error, or
 * an empty batch ends the stream.
 */
final class ExhaustCursor {
  private ExhaustCursor() {}

  /**
   * The getMore to answer next on this connection without a request, or null when {@code reply}
   * ends the exchange: the request was not a getMore allowing exhaust, failed, or exhausted the
   * cursor.
   */
  static BsonDocument nextRequest(Request request, BsonDocument reply) {
    if (!request.exhaustAllowed()
        || request.opCode() != OpCode.OP_MSG
        || !request.commandName().equals("getMore")
        || !isOk(reply)
        || !(reply.get("cursor") instanceof BsonDocument cursor)
        || !(cursor.get("id") instanceof BsonInt64 id)
        || id.getValue() == 0
        || !(cursor.get("nextBatch") instanceof org.bson.BsonArray batch)
        || batch.isEmpty()) {
      // An empty batch from an open cursor (a tailable one with nothing new) ends the stream too,
      // rather than send empty replies as fast as the client reads them; the client asks again.
      return null;
    }
    return request.command();
  }

  private static boolean isOk(BsonDocument reply) {
    BsonValue ok = reply.get("ok");
    return ok != null && ok.isNumber() && ok.asNumber().doubleValue() == 1;
  }
}
