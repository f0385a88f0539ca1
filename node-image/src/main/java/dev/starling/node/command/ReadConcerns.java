package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/** A command's readConcern: "local" (the default) and "available" read the latest data. */
public final class ReadConcerns {
  private static final Set<String> LEVELS = Set.of("local", "available", "majority");

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
   * Whether the command asks for readConcern "majority". A readConcern mongod 6.0 cannot parse
   * fails as there (ReadConcernArgs::parse): not an object or an unknown level is 9 FailedToParse,
   * an unknown field 72 InvalidOptions; the levels this node does not serve ("linearizable",
   * "snapshot") are NotImplemented.
   */
  public static boolean isMajority(BsonDocument command) {
    BsonValue rc = command.get("readConcern");
    if (rc == null || rc.isNull()) {
      return false;
    }
    if (!(rc instanceof BsonDocument doc)) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "readConcern field should be an object");
    }
    for (String field : doc.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new MongoServerException(
            ErrorCode.INVALID_OPTIONS, "Unrecognized option in readConcern: " + field);
      }
    }
    BsonValue level = doc.get("level");
    if (level == null) {
      return false;
    }
    if (!(level instanceof BsonString s)) {
      throw new MongoServerException(ErrorCode.TYPE_MISMATCH, "readConcern.level must be a string");
    }
    if (s.getValue().equals("linearizable") || s.getValue().equals("snapshot")) {
      throw new MongoServerException(
          ErrorCode.NOT_IMPLEMENTED, "readConcern level " + s.getValue() + " is not supported");
    }
    if (!LEVELS.contains(s.getValue())) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "readConcern.level must be either 'local', 'majority', 'linearizable', 'available', or"
              + " 'snapshot'");
    }
    return s.getValue().equals("majority");
  }
}
