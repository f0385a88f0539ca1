package dev.starling.node.repl.core;

/**
 * replSetHeartbeat reply: the responder's view of itself. {@code primaryId} is the member the
 * responder believes is primary (-1 if none); {@code lastCommittedOpTime} is its commit point.
 */
public record HeartbeatResponse(
    String setName,
    MemberState state,
    long term,
    int configVersion,
    long configTerm,
    OpTime appliedOpTime,
    OpTime durableOpTime,
    OpTime lastCommittedOpTime,
    int primaryId,
    int syncSourceId,
    long electionTimeMillis) {}
