package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;

/**
 * connectionStatus: who the connection is authenticated as (nobody: authentication is not built
 * yet).
 */
public final class ConnectionStatusCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("connectionStatus");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return new BsonDocument(
        "authInfo",
        new BsonDocument("authenticatedUsers", new BsonArray())
            .append("authenticatedUserRoles", new BsonArray()));
  }
}
