package dev.starling.node.command;

import java.util.List;
import org.bson.BsonDocument;

/**
 * One database command. Implementations return the reply fields; the dispatcher adds {@code ok}.
 */
public interface Command {
  /** The names the command answers to (MongoDB command names are case-sensitive). */
  List<String> names();

  BsonDocument run(CommandContext context, BsonDocument command);

  /** Which opcounters bucket one run counts in; most commands count as "command". */
  default OpCounters.Kind counterKind() {
    return OpCounters.Kind.COMMAND;
  }

  /** Commands that may run before a handshake-level check, through the legacy OP_QUERY path. */
  default boolean allowedOverOpQuery() {
    return false;
  }

  /** Test-only commands are refused unless the node runs with enableTestCommands. */
  default boolean testOnly() {
    return false;
  }
}
