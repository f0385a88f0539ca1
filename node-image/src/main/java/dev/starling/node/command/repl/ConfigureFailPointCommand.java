package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.FailCommandPoint;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.FailPoints;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * configureFailPoint: switches the failCommand fail point (on any node) or a replication fail point
 * (on a member). A test command.
 */
public final class ConfigureFailPointCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("configureFailPoint");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public boolean testOnly() {
    return true;
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    if (!(command.get("configureFailPoint") instanceof BsonString name)) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "configureFailPoint takes the fail point's name");
    }
    if (!command.containsKey("mode")) {
      throw new MongoServerException(ErrorCode.BAD_VALUE, "configureFailPoint needs a mode");
    }
    if (name.getValue().equals(FailCommandPoint.NAME)) {
      BsonDocument data = command.get("data") instanceof BsonDocument d ? d : null;
      return FailPoints.reply(context.node().failCommand().configure(command.get("mode"), data));
    }
    var replicaSet = ReplCommands.replicaSet(context, "configureFailPoint");
    long count =
        replicaSet
            .failPoints()
            .configure(
                name.getValue(),
                command.get("mode"),
                command.get("data") instanceof BsonDocument d ? d : null);
    return FailPoints.reply(count);
  }
}
