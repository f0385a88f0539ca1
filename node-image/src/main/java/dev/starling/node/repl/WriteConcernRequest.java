package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.WriteConcernMode;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * A write concern as a write waits for it: {@code w} (a number, "majority" or a mode of {@code
 * settings.getLastErrorModes}), {@code j} and {@code wtimeout}, with the writeConcernErrors a wait
 * can end in. The waiting itself is the coordinator's.
 *
 * @param document the write concern as resolved for the write (defaults applied)
 * @param count the members {@code w: <n>} asks for (1 for the other forms)
 * @param modeName the mode {@code w: "<mode>"} names, or null
 * @param wtimeoutMillis how long to wait; 0 waits as long as it takes
 */
record WriteConcernRequest(
    BsonDocument document,
    boolean majority,
    int count,
    String modeName,
    boolean journal,
    long wtimeoutMillis) {

  static WriteConcernRequest parse(BsonDocument writeConcern) {
    BsonValue w = writeConcern.get("w");
    boolean majority = w != null && w.isString() && w.asString().getValue().equals("majority");
    return new WriteConcernRequest(
        writeConcern,
        majority,
        w != null && w.isNumber() ? w.asNumber().intValue() : 1,
        w != null && w.isString() && !majority ? w.asString().getValue() : null,
        writeConcern.getBoolean("j", BsonBoolean.FALSE).getValue(),
        writeConcern.get("wtimeout") instanceof BsonValue t && t.isNumber()
            ? t.asNumber().longValue()
            : 0);
  }

  /** The mode {@link #modeName} names in {@code config}, or null. */
  WriteConcernMode mode(ReplSetConfig config) {
    return modeName == null || config == null
        ? null
        : config.writeConcernMode(modeName).orElse(null);
  }

  /**
   * The error this concern ends in at once under {@code config}: 79 for a mode the config does not
   * have, 100 for one its data-bearing members can never satisfy or for more members than bear
   * data; null if it can be waited for. Without a config (not a replica set yet) only an unknown
   * mode fails.
   */
  BsonDocument unsatisfiable(ReplSetConfig config) {
    WriteConcernMode mode = mode(config);
    if (modeName != null && mode == null) {
      return error(
          ErrorCode.UNKNOWN_REPL_WRITE_CONCERN,
          "No write concern mode named '" + modeName + "' found in replica set configuration",
          null);
    }
    if (config == null) {
      return null;
    }
    var dataBearing = config.members().stream().filter(m -> m.isDataBearing()).toList();
    if (mode != null && !mode.isSatisfiedBy(dataBearing)) {
      return error(
          ErrorCode.UNSATISFIABLE_WRITE_CONCERN,
          "Not enough nodes match write concern mode \"" + mode.name() + "\"",
          null);
    }
    if (!majority && mode == null && count > dataBearing.size()) {
      return error(ErrorCode.UNSATISFIABLE_WRITE_CONCERN, "Not enough data-bearing nodes", null);
    }
    return null;
  }

  /** Whether this node having the write is all the concern asks (w: 0 or 1, no mode). */
  boolean satisfiedLocally() {
    return !majority && modeName == null && count <= 1;
  }

  /** Whether the entry at {@code target} satisfies the concern, as the core sees the set now. */
  boolean satisfiedBy(TopologyCoordinator topology, WriteConcernMode mode, OpTime target) {
    if (majority) {
      return !topology.commitPoint().isBefore(target);
    }
    return mode != null
        ? topology.modeSatisfied(target, journal, mode)
        : topology.membersAt(target, journal) >= count;
  }

  /** 64 WriteConcernFailed, with {@code errInfo: {wtimeout: true, writeConcern}}. */
  BsonDocument timedOut() {
    return error(
        ErrorCode.WRITE_CONCERN_FAILED,
        "waiting for replication timed out",
        new BsonDocument("wtimeout", BsonBoolean.TRUE).append("writeConcern", document.clone()));
  }

  /** A writeConcernError document as a reply carries it. */
  static BsonDocument error(ErrorCode code, String message, BsonDocument errInfo) {
    BsonDocument error =
        new BsonDocument("code", new BsonInt32(code.code()))
            .append("codeName", new BsonString(code.codeName()))
            .append("errmsg", new BsonString(message));
    if (errInfo != null) {
      error.append("errInfo", errInfo);
    }
    return error;
  }
}
