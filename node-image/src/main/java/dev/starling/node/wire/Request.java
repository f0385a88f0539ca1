package dev.starling.node.wire;

import org.bson.BsonDocument;

/**
 * One decoded client request: the command document (document sequences already folded in as arrays)
 * and how to answer it.
 *
 * @param requestId the sender's id, echoed as responseTo
 * @param opCode {@link OpCode#OP_MSG} or {@link OpCode#OP_QUERY} (the legacy handshake)
 * @param database the target database ({@code $db}, or the OP_QUERY namespace's database)
 * @param command the command document
 * @param moreToCome the client wants no reply (OP_MSG flag bit 1)
 * @param exhaustAllowed the client accepts exhaust replies (OP_MSG flag bit 16)
 */
public record Request(
    int requestId,
    int opCode,
    String database,
    BsonDocument command,
    boolean moreToCome,
    boolean exhaustAllowed) {

  /** The command's name: the first key of the command document. */
  public String commandName() {
    return command.isEmpty() ? "" : command.getFirstKey();
  }
}
