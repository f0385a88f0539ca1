package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.LastVote;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;

/**
 * Every key replication keeps in the {@code local} column, in one place (mongod keeps the same
 * state in {@code local.system.replset}, {@code local.replset.election} and {@code
 * local.replset.minvalid}). Every store is synced: each must hold before the node acts on it.
 *
 * <ul>
 *   <li>{@code config}: the replica-set config document;
 *   <li>{@code election}: {@code {term, voteTerm, candidateId}}, the term and the last vote;
 *   <li>{@code minValid}: {@code {initialSync, minValid?: {ts, t}}} ({@link MinValid});
 *   <li>{@code appliedThrough}: {@code {ts, t}}, the common point of the last rollback;
 *   <li>{@code oplogSize}: {@code {sizeBytes}}, the oplog's configured size.
 * </ul>
 */
final class ReplicationLocalStore {
  static final byte[] CONFIG_KEY = key("config");
  static final byte[] ELECTION_KEY = key("election");
  static final byte[] MIN_VALID_KEY = key("minValid");
  static final byte[] APPLIED_THROUGH_KEY = key("appliedThrough");
  static final byte[] OPLOG_SIZE_KEY = key("oplogSize");

  private final StorageEngine storage;

  ReplicationLocalStore(StorageEngine storage) {
    this.storage = storage;
  }

  private static byte[] key(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  /** The stored config, or null before replSetInitiate (or a peer's config) was stored. */
  ReplSetConfig config() {
    byte[] bytes = storage.get(Column.LOCAL, CONFIG_KEY);
    return bytes == null ? null : ReplSetConfig.parse(BsonCodec.decode(bytes));
  }

  void storeConfig(ReplSetConfig config) {
    storage.put(Column.LOCAL, CONFIG_KEY, BsonCodec.encode(config.toBsonDocument()), true);
  }

  /** The term and last vote, or {@link DurableState#INITIAL}. */
  DurableState durableState() {
    byte[] bytes = storage.get(Column.LOCAL, ELECTION_KEY);
    if (bytes == null) {
      return DurableState.INITIAL;
    }
    BsonDocument doc = BsonCodec.decode(bytes);
    return new DurableState(
        doc.getInt64("term").getValue(),
        new LastVote(doc.getInt64("voteTerm").getValue(), doc.getInt32("candidateId").getValue()));
  }

  void storeDurableState(DurableState durable) {
    BsonDocument doc =
        new BsonDocument("term", new BsonInt64(durable.term()))
            .append("voteTerm", new BsonInt64(durable.lastVote().term()))
            .append("candidateId", new BsonInt32(durable.lastVote().candidateId()));
    storage.put(Column.LOCAL, ELECTION_KEY, BsonCodec.encode(doc), true);
  }

  /** The stored minValid, or {@link MinValid#NONE}. */
  MinValid minValid() {
    byte[] bytes = storage.get(Column.LOCAL, MIN_VALID_KEY);
    if (bytes == null) {
      return MinValid.NONE;
    }
    BsonDocument doc = BsonCodec.decode(bytes);
    OpTime opTime =
        doc.get("minValid") instanceof BsonDocument d ? ReplMessages.opTime(d) : OpTime.NULL;
    return new MinValid(opTime, doc.getBoolean("initialSync", BsonBoolean.FALSE).getValue());
  }

  /** Stores minValid: it must hold before the data it describes changes further. */
  void storeMinValid(MinValid minValid) {
    BsonDocument doc = new BsonDocument("initialSync", BsonBoolean.valueOf(minValid.initialSync()));
    if (!minValid.opTime().isNull()) {
      doc.append("minValid", minValid.opTime().toBsonDocument());
    }
    storage.put(Column.LOCAL, MIN_VALID_KEY, BsonCodec.encode(doc), true);
  }

  /** The common point a rollback cut the oplog back to. */
  void storeAppliedThrough(OpTime opTime) {
    storage.put(Column.LOCAL, APPLIED_THROUGH_KEY, BsonCodec.encode(opTime.toBsonDocument()), true);
  }

  /** The oplog's stored size in bytes, or null before one was chosen. */
  Long oplogSizeBytes() {
    byte[] bytes = storage.get(Column.LOCAL, OPLOG_SIZE_KEY);
    return bytes == null ? null : BsonCodec.decode(bytes).getInt64("sizeBytes").getValue();
  }

  void storeOplogSize(long bytes) {
    storage.put(
        Column.LOCAL,
        OPLOG_SIZE_KEY,
        BsonCodec.encode(new BsonDocument("sizeBytes", new BsonInt64(bytes))),
        true);
  }
}
