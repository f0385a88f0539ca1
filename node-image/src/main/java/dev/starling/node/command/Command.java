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

  /**
   * Where the command may run, how its write concern is honoured, which opcounter it counts in:
   * every command declares it, and the dispatcher acts on it.
   */
  CommandMetadata metadata();

  /**
   * The metadata of this invocation: the same for every invocation of most commands, but an
   * aggregate that ends in {@code $out} or {@code $merge} is a write (mongod decides it per request
   * too). Must not fail on a malformed command: the command itself reports that when it runs.
   */
  default CommandMetadata metadata(BsonDocument command) {
    return metadata();
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
