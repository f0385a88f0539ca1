package dev.starling.node.repl.core;

/**
 * How this node sees one member, as replSetGetStatus reports it. Times are millis on the
 * coordinator's clock; 0 means never.
 */
public record MemberStatus(
    int id,
    String host,
    boolean self,
    int health,
    MemberState state,
    long term,
    OpTime appliedOpTime,
    OpTime durableOpTime,
    long lastHeartbeatMillis,
    long lastHeartbeatRecvMillis,
    long pingMillis,
    int syncSourceId,
    int configVersion) {}
