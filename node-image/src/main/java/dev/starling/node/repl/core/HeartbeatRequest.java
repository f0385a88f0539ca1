package dev.starling.node.repl.core;

/** replSetHeartbeat arguments (PV1). */
public record HeartbeatRequest(
    String setName, int senderId, long term, int configVersion, long configTerm) {}
