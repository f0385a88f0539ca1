package dev.starling.node.command.crud;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The fields an update or delete statement may have. mongod parses the whole command with its IDL
 * before running any statement, and a strict struct refuses a field it does not know (40415), so a
 * {@code sort} in an update statement (a frequent mistake: only findAndModify sorts) fails the
 * command instead of being ignored.
 */
final class StatementFields {
  /** mongod 6.0's UpdateOpEntry. */
  static final Set<String> UPDATE =
      Set.of(
          "q", "u", "c", "arrayFilters", "hint", "multi", "upsert", "upsertSupplied", "collation");

  /** mongod 6.0's DeleteOpEntry. */
  static final Set<String> DELETE = Set.of("q", "limit", "hint", "collation");

  private StatementFields() {}

  /**
   * Refuses the command if a statement of {@code array} (of command {@code name}) has a field
   * outside {@code allowed}; statements that are not documents are left to the statement's own
   * error.
   */
  static void check(String name, String array, BsonArray statements, Set<String> allowed) {
    for (BsonValue statement : statements) {
      if (statement instanceof BsonDocument doc) {
        for (String field : doc.keySet()) {
          if (!allowed.contains(field)) {
            throw new MongoServerException(
                ErrorCode.LOCATION_40415,
                "BSON field '" + name + "." + array + "." + field + "' is an unknown field.");
          }
        }
      }
    }
  }
}
