package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** killCursors: closes cursors by id. */
public final class KillCursorsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("killCursors");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonArray killed = new BsonArray();
    BsonArray notFound = new BsonArray();
    for (BsonValue id : Args.array(command, "cursors")) {
      if (id.isInt64() && context.node().cursors().kill(id.asInt64().getValue())) {
        killed.add(id);
      } else {
        notFound.add(id);
      }
    }
    return new BsonDocument("cursorsKilled", killed)
        .append("cursorsNotFound", notFound)
        .append("cursorsAlive", new BsonArray())
        .append("cursorsUnknown", new BsonArray());
  }
}
