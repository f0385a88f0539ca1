package dev.starling.node.repl;

import org.bson.BsonDocument;

/**
 * Runs one command on a peer: the reply, or the exception the call failed with. {@link PeerClients}
 * runs it over the MongoDB driver; unit tests pass a fake.
 */
@FunctionalInterface
interface PeerCaller {
  BsonDocument call(String host, String db, BsonDocument command, long timeoutMillis);

  /**
   * Whether {@code host} refuses TCP connections right now: its process is gone (see {@link
   * PeerClients#refusesConnections}).
   */
  default boolean probeRefused(String host, int timeoutMillis) {
    return PeerClients.refusesConnections(host, timeoutMillis);
  }
}
