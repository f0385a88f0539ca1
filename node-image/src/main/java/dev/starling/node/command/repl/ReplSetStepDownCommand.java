package dev.starling.node.command.repl;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** replSetStepDown: the primary hands over to a caught-up secondary (connections stay open). */
public final class ReplSetStepDownCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetStepDown");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetStepDown");
    BsonValue secs = command.get("replSetStepDown");
    long stepDownSecs = secs != null && secs.isNumber() ? secs.asNumber().longValue() : 60;
    long catchUp =
        Args.number(command, "secondaryCatchUpPeriodSecs", Math.min(10, stepDownSecs - 1));
    replicaSet.stepDown(stepDownSecs, catchUp, Args.bool(command, "force", false));
    return new BsonDocument();
  }
}
