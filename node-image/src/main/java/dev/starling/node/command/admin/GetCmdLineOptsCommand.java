package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import java.util.List;
import org.bson.BsonDocument;

/** getCmdLineOpts: the node's argv and parsed options. */
public final class GetCmdLineOptsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("getCmdLineOpts");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.requireAdmin(context, "getCmdLineOpts");
    return new BsonDocument("argv", context.node().options().argvArray())
        .append("parsed", context.node().options().parsedDocument());
  }
}
