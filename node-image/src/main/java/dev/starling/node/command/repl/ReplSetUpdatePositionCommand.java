package dev.starling.node.command.repl;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.ReplMessages;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** replSetUpdatePosition: members syncing from this node report how far they applied. */
public final class ReplSetUpdatePositionCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetUpdatePosition");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetUpdatePosition");
    List<ReplMessages.Position> positions = new ArrayList<>();
    for (BsonValue v : Args.array(command, "optimes")) {
      if (!v.isDocument()) {
        throw new MongoServerException(ErrorCode.TYPE_MISMATCH, "optimes must hold documents");
      }
      positions.add(ReplMessages.position(v.asDocument()));
    }
    long term = -1;
    if (command.get("$replData") instanceof BsonDocument data
        && data.get("term") instanceof BsonValue t
        && t.isNumber()) {
      term = t.asNumber().longValue();
    }
    replicaSet.onUpdatePosition(positions, term);
    return new BsonDocument();
  }
}
