package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;

/**
 * The point this member's data is consistent from, kept in {@code local} across restarts (mongod's
 * minValid document). After a rollback or an initial sync, the data is a mix of the source's newer
 * documents and older ones until the oplog is applied up to {@code opTime}; a member that restarts
 * before that must not serve as SECONDARY (it comes back RECOVERING), and one whose initial sync
 * was cut short starts the initial sync again, because its copy is incomplete.
 *
 * @param opTime the entry to reach before the data is consistent; {@link OpTime#NULL} for none
 * @param initialSync whether an initial sync is under way (its copy may be incomplete)
 */
record MinValid(OpTime opTime, boolean initialSync) {
  static final MinValid NONE = new MinValid(OpTime.NULL, false);
  private static final byte[] KEY = "minValid".getBytes(StandardCharsets.UTF_8);

  /** The stored state, or {@link #NONE}. */
  static MinValid load(StorageEngine storage) {
    byte[] bytes = storage.get(Column.LOCAL, KEY);
    if (bytes == null) {
      return NONE;
    }
    BsonDocument doc = BsonCodec.decode(bytes);
    OpTime opTime =
        doc.get("minValid") instanceof BsonDocument d ? ReplMessages.opTime(d) : OpTime.NULL;
    return new MinValid(opTime, doc.getBoolean("initialSync", BsonBoolean.FALSE).getValue());
  }

  /** Stores this state, synced: it must hold before the data it describes changes further. */
  void store(StorageEngine storage) {
    BsonDocument doc = new BsonDocument("initialSync", BsonBoolean.valueOf(initialSync));
    if (!opTime.isNull()) {
      doc.append("minValid", opTime.toBsonDocument());
    }
    storage.put(Column.LOCAL, KEY, BsonCodec.encode(doc), true);
  }

  /** Whether a member whose last applied entry is {@code lastApplied} is not consistent yet. */
  boolean pending(OpTime lastApplied) {
    return initialSync || lastApplied.isBefore(opTime);
  }
}
