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
 * replSetInitiate: with a config (one member, this node) or none (the default one-member config, as
 * mongosh's {@code rs.initiate()} sends it).
 */
public final class ReplSetInitiateCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetInitiate");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "replSetInitiate");
    BsonValue config = command.get("replSetInitiate");
    BsonDocument requested = null;
    if (config instanceof BsonDocument doc) {
      // mongosh's rs.initiate() sends an empty document: the default config, as in mongod.
      requested = doc.isEmpty() ? null : doc;
    } else if (config != null && !config.isNull() && !config.isNumber() && !config.isBoolean()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH, "replSetInitiate takes a config document");
    }
    replicaSet.initiate(requested);
    return new BsonDocument();
  }
}
