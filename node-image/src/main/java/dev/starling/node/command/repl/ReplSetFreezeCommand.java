package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/** replSetFreeze: keeps this member out of elections for a number of seconds (0 unfreezes). */
public final class ReplSetFreezeCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetFreeze");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetFreeze");
    BsonValue secs = command.get("replSetFreeze");
    if (secs == null || !secs.isNumber()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "replSetFreeze takes a number of seconds");
    }
    String info = replicaSet.freeze(secs.asNumber().longValue());
    BsonDocument reply = new BsonDocument();
    if (info != null) {
      reply.append("info", new BsonString(info));
    }
    return reply;
  }
}
