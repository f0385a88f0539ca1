package dev.starling.node.command.session;

import dev.starling.node.command.OperationSessionInfo;
import dev.starling.node.command.TypeNames;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** The array of session ids that endSessions, refreshSessions and killSessions take. */
final class SessionIds {
  /** mongod's limit on the ids of one endSessions or refreshSessions. */
  static final int MAX = 10_000;

  private SessionIds() {}

  /** The command's array argument {@code name}; 14 TypeMismatch when it is not an array. */
  static BsonArray array(BsonDocument command, String name) {
    BsonValue value = command.get(name);
    if (!value.isArray()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field '"
              + name
              + "' is the wrong type '"
              + TypeNames.of(value)
              + "', expected type 'array'");
    }
    return value.asArray();
  }

  static List<BsonDocument> of(BsonDocument command, String name) {
    BsonArray value = array(command, name);
    if (value.size() > MAX) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, name + " takes at most " + MAX + " sessions, not " + value.size());
    }
    List<BsonDocument> ids = new ArrayList<>();
    for (BsonValue id : value) {
      ids.add(OperationSessionInfo.lsid(id, name));
    }
    return ids;
  }
}
