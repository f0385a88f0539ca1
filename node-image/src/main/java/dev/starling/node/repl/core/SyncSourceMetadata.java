package dev.starling.node.repl.core;

/**
 * What an oplog fetch reply tells about the sync source (MongoDB's $replData and $oplogQueryData):
 * its term, commit point, last applied OpTime, the primary it knows and its state.
 */
public record SyncSourceMetadata(
    long term,
    OpTime lastCommittedOpTime,
    OpTime lastAppliedOpTime,
    int primaryId,
    MemberState state) {}
