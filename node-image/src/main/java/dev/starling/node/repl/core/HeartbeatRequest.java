package dev.starling.node.repl.core;

/**
 * replSetHeartbeat arguments (PV1), and whether the sender is primary (a Starling addition: a
 * member that has not heard of the new primary yet asks it for its state at once).
 */
public record HeartbeatRequest(
    String setName,
    int senderId,
    long term,
    int configVersion,
    long configTerm,
    boolean senderPrimary) {

  public HeartbeatRequest(
      String setName, int senderId, long term, int configVersion, long configTerm) {
    this(setName, senderId, term, configVersion, configTerm, false);
  }
}
