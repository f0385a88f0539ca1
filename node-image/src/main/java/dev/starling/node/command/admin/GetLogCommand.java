package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * getLog: mongosh asks for "startupWarnings" when it connects; this node keeps no in-memory log.
 */
public final class GetLogCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("getLog");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.requireAdmin(context, "getLog");
    if (command.get("getLog").isString() && command.getString("getLog").getValue().equals("*")) {
      return new BsonDocument(
          "names",
          new BsonArray(List.of(new BsonString("global"), new BsonString("startupWarnings"))));
    }
    return new BsonDocument("totalLinesWritten", new BsonInt32(0)).append("log", new BsonArray());
  }
}
