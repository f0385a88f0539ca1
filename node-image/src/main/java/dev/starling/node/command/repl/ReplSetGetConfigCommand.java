package dev.starling.node.command.repl;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;

/** replSetGetConfig: the installed config with every default filled in. */
public final class ReplSetGetConfigCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetGetConfig");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetGetConfig");
    var s = ReplCommands.initiated(replicaSet);
    // mongod shows newlyAdded only to its own tests; rs.conf() never sees it.
    boolean newlyAdded = Args.bool(command, "$_internalIncludeNewlyAdded", false);
    BsonDocument reply = new BsonDocument("config", s.config().toBsonDocument(newlyAdded));
    if (Args.bool(command, "commitmentStatus", false)) {
      if (!context.node().replication().isWritablePrimary()) {
        throw new MongoServerException(
            ErrorCode.NOT_WRITABLE_PRIMARY, "commitmentStatus is only supported on primary.");
      }
      reply.append("commitmentStatus", BsonBoolean.valueOf(replicaSet.isConfigCommitted()));
    }
    return reply;
  }
}
