package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;

/** Database-name rules shared by commands. */
public final class Databases {
  private Databases() {}

  public static void requireAdmin(CommandContext context, String command) {
    if (!context.database().equals("admin")) {
      throw new MongoServerException(
          ErrorCode.UNAUTHORIZED, command + " may only be run against the admin database.");
    }
  }

  /** Rejects names MongoDB does not allow for a database. */
  public static void validate(String db) {
    if (db.isEmpty() || db.length() >= 64) {
      throw new MongoServerException(
          ErrorCode.INVALID_NAMESPACE, "Invalid database name: '" + db + "'");
    }
    for (char c : db.toCharArray()) {
      if ("/\\. \"$\0".indexOf(c) >= 0) {
        throw new MongoServerException(
            ErrorCode.INVALID_NAMESPACE, "Invalid database name: '" + db + "'");
      }
    }
  }
}
