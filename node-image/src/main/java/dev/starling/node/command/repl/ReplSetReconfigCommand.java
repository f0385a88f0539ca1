package dev.starling.node.command.repl;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import org.bson.BsonDocument;

/** replSetReconfig: installs a new config on the primary; heartbeats carry it to the members. */
public final class ReplSetReconfigCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetReconfig");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetReconfig");
    if (!(command.get("replSetReconfig") instanceof BsonDocument config)) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "replSetReconfig takes a config document");
    }
    replicaSet.reconfig(
        config, Args.bool(command, "force", false), Args.number(command, "maxTimeMS", 0));
    return new BsonDocument();
  }
}
