package dev.starling.node.wire;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Streaming monitoring (awaitable hello with exhaust): a driver's monitor sends one hello with the
 * {@code topologyVersion} it knows, {@code maxAwaitTimeMS} and the exhaustAllowed flag, then only
 * reads. Each reply sets moreToCome and the connection answers the same hello again, now with the
 * version it just sent, so the next reply comes when the topology changes or the wait ends. An
 * error reply (the node shutting down) ends the stream.
 */
final class ExhaustHello {
  private ExhaustHello() {}

  /**
   * The command to answer next on this connection without a request, or null when {@code reply}
   * ends the exchange: the request was not an awaitable hello allowing exhaust, or failed.
   */
  static BsonDocument nextRequest(Request request, BsonDocument reply) {
    if (!request.exhaustAllowed()
        || request.opCode() != OpCode.OP_MSG
        || !isHello(request.commandName())
        || !request.command().containsKey("topologyVersion")
        || !request.command().containsKey("maxAwaitTimeMS")
        || !isOk(reply)
        || !(reply.get("topologyVersion") instanceof BsonDocument version)) {
      return null;
    }
    BsonDocument next = request.command().clone();
    next.put("topologyVersion", version);
    return next;
  }

  private static boolean isHello(String name) {
    return name.equals("hello") || name.equals("isMaster") || name.equals("ismaster");
  }

  private static boolean isOk(BsonDocument reply) {
    BsonValue ok = reply.get("ok");
    return ok != null && ok.isNumber() && ok.asNumber().doubleValue() == 1;
  }
}
