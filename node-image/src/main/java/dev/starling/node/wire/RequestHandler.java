package dev.starling.node.wire;

import org.bson.BsonDocument;

/** What the wire layer calls for each decoded request; returns the reply document. May block. */
@FunctionalInterface
public interface RequestHandler {
  BsonDocument handle(Request request, ClientConnection connection);
}
