package dev.starling.node.command.session;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.time.Instant;
import java.util.List;
import org.bson.BsonDocument;

/** refreshSessions: the sessions named count as used now, so they do not expire. */
public final class RefreshSessionsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("refreshSessions");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Instant now = context.node().clock().instant();
    for (BsonDocument lsid : SessionIds.of(command, "refreshSessions")) {
      context.node().sessions().touch(lsid, now);
    }
    return new BsonDocument();
  }
}
