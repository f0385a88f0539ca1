package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * replSetSyncFrom (rs.syncFrom()): this secondary fetches from the named member next, until the
 * usual sync source rules move it again. Replies {@code syncFromRequested} and, when it had one,
 * {@code prevSyncTarget}.
 */
public final class ReplSetSyncFromCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetSyncFrom");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetSyncFrom");
    BsonValue host = command.get("replSetSyncFrom");
    if (host == null || !host.isString()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "Expected replSetSyncFrom to be a string of the form host:port, not "
              + (host == null ? "missing" : host.getBsonType()));
    }
    ReplCommands.initiated(replicaSet);
    return replicaSet.syncFrom(host.asString().getValue());
  }
}
