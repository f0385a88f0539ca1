package dev.starling.node.command.session;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Sessions;
import java.util.List;
import org.bson.BsonDocument;

/**
 * endSessions: drivers send it for the sessions they close; each ends here (its cursors are killed
 * and its retryable-write memory released). Unknown ids are not an error.
 */
public final class EndSessionsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("endSessions");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Sessions.end(context.node(), SessionIds.of(command, "endSessions"));
    return new BsonDocument();
  }
}
