package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * A command's readConcern, parsed as mongod 6.0 parses it (ReadConcernArgs::parse): "local" (the
 * default) and "available" read the latest data, "majority" the majority-committed data,
 * "linearizable" the latest data on a primary that then confirms it still is one (see {@link
 * dev.starling.node.repl.Replication#awaitLinearizableRead}), "snapshot" the majority-committed
 * data at one point in time, the node's choice or {@code atClusterTime} (see {@link
 * dev.starling.node.repl.Replication#readSnapshot}).
 */
public final class ReadConcerns {
  /** The levels of mongod 6.0. */
  public enum Level {
    LOCAL,
    AVAILABLE,
    MAJORITY,
    LINEARIZABLE,
    SNAPSHOT
  }

  /**
   * A parsed readConcern.
   *
   * @param afterClusterTime the time a causally consistent read waits for, or null
   * @param atClusterTime the time a "snapshot" read reads at, or null (the node chooses)
   */
  public record Args(Level level, BsonTimestamp afterClusterTime, BsonTimestamp atClusterTime) {
    /** No readConcern: level "local", no wait. */
    public static final Args DEFAULT = new Args(Level.LOCAL, null, null);

    /** Reads majority-committed data: "majority", and "snapshot" (at one point of it). */
    public boolean majorityCommitted() {
      return level == Level.MAJORITY || level == Level.SNAPSHOT;
    }

    public boolean snapshot() {
      return level == Level.SNAPSHOT;
    }

    public boolean majority() {
      return level == Level.MAJORITY;
    }

    public boolean linearizable() {
      return level == Level.LINEARIZABLE;
    }
  }

  /** The fields mongod 6.0 accepts in a readConcern document. */
  private static final Set<String> FIELDS =
      Set.of(
          "level",
          "afterOpTime",
          "afterClusterTime",
          "atClusterTime",
          "$_allowTransactionTableSnapshot",
          "provenance");

  private ReadConcerns() {}

  /**
   * The command's readConcern. What mongod 6.0 cannot parse fails as there: not an object or an
   * unknown level is 9 FailedToParse, an unknown field or a combination it forbids 72
   * InvalidOptions, a field of the wrong type 14 TypeMismatch.
   *
   * <p>One check mongod makes later, in waitForReadConcern, is made here: {@code afterOpTime} (an
   * internal field) with "linearizable" is 9 FailedToParse. mongod checks it after refusing
   * linearizable on a standalone, so there a standalone answers 123 instead; the result is a
   * refusal either way.
   */
  public static Args parse(BsonDocument command) {
    BsonValue rc = command.get("readConcern");
    if (rc == null || rc.isNull()) {
      return Args.DEFAULT;
    }
    if (!(rc instanceof BsonDocument doc)) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "readConcern field should be an object");
    }
    Level level = null;
    BsonTimestamp afterClusterTime = null;
    boolean afterOpTime = false;
    BsonTimestamp atClusterTime = null;
    for (var field : doc.entrySet()) {
      switch (field.getKey()) {
        case "level" -> level = level(field.getValue());
        case "afterClusterTime" -> afterClusterTime = timestamp(field);
        case "atClusterTime" -> atClusterTime = timestamp(field);
        case "afterOpTime" -> afterOpTime = true;
        default -> {
          if (!FIELDS.contains(field.getKey())) {
            throw new MongoServerException(
                ErrorCode.INVALID_OPTIONS, "Unrecognized option in readConcern: " + field.getKey());
          }
        }
      }
    }
    Level effective = level == null ? Level.LOCAL : level;
    if (afterClusterTime != null && afterOpTime) {
      throw invalid("Can not specify both afterClusterTime and afterOpTime");
    }
    if (afterClusterTime != null && atClusterTime != null) {
      throw invalid(
          "Specifying a timestamp for readConcern snapshot in a causally consistent session is not"
              + " allowed. See"
              + " https://docs.mongodb.com/manual/core/read-isolation-consistency-recency/#causal-consistency");
    }
    // "available" must not wait; "linearizable" is causally consistent already.
    if (afterClusterTime != null
        && effective != Level.MAJORITY
        && effective != Level.LOCAL
        && effective != Level.SNAPSHOT) {
      throw invalid(
          "afterClusterTime field can be set only if level is equal to majority, local, or"
              + " snapshot");
    }
    if (atClusterTime != null && effective != Level.SNAPSHOT) {
      throw invalid("atClusterTime field can be set only if level is equal to snapshot");
    }
    if (atClusterTime != null && atClusterTime.getValue() == 0) {
      throw invalid("readConcern atClusterTime cannot be a null timestamp");
    }
    if (afterClusterTime != null && afterClusterTime.getValue() == 0) {
      throw invalid("afterClusterTime cannot be a null timestamp");
    }
    if (afterOpTime && effective == Level.LINEARIZABLE) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "afterOpTime not compatible with linearizable read concern");
    }
    return new Args(effective, afterClusterTime, atClusterTime);
  }

  private static Level level(BsonValue level) {
    if (!(level instanceof BsonString s)) {
      throw new MongoServerException(ErrorCode.TYPE_MISMATCH, "readConcern.level must be a string");
    }
    return switch (s.getValue()) {
      case "local" -> Level.LOCAL;
      case "available" -> Level.AVAILABLE;
      case "majority" -> Level.MAJORITY;
      case "linearizable" -> Level.LINEARIZABLE;
      case "snapshot" -> Level.SNAPSHOT;
      default ->
          throw new MongoServerException(
              ErrorCode.FAILED_TO_PARSE,
              "readConcern.level must be either 'local', 'majority', 'linearizable', 'available',"
                  + " or 'snapshot'");
    };
  }

  private static BsonTimestamp timestamp(java.util.Map.Entry<String, BsonValue> field) {
    if (!field.getValue().isTimestamp()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field 'readConcern."
              + field.getKey()
              + "' is the wrong type '"
              + TypeNames.of(field.getValue())
              + "', expected type 'timestamp'");
    }
    return field.getValue().asTimestamp();
  }

  private static MongoServerException invalid(String message) {
    return new MongoServerException(ErrorCode.INVALID_OPTIONS, message);
  }
}
