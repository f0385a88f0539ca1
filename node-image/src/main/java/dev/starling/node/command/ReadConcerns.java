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

  private ReadConcerns() {}

  /**
   * Whether the command asks for readConcern "majority"; an unknown level is a BadValue, and the
   * levels this node does not serve ("linearizable", "snapshot") are NotImplemented.
   */
  public static boolean isMajority(BsonDocument command) {
    BsonValue rc = command.get("readConcern");
    if (rc == null || rc.isNull()) {
      return false;
    }
    if (!(rc instanceof BsonDocument doc)) {
      throw new MongoServerException(ErrorCode.TYPE_MISMATCH, "readConcern must be an object");
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
          ErrorCode.BAD_VALUE, "Invalid readConcern level: " + s.getValue());
    }
    return s.getValue().equals("majority");
  }
}
