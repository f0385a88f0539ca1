package dev.starling.node.command.catalog;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;

/** create: an empty collection; capped collections, views and validators are not supported yet. */
public final class CreateCommand implements Command {
  private static final Set<String> IGNORED =
      Set.of(
          "create",
          "writeConcern",
          "lsid",
          "txnNumber",
          "comment",
          "$db",
          "$readPreference",
          "$clusterTime",
          "apiVersion",
          "apiStrict",
          "apiDeprecationErrors",
          // Only the simple collation gets here (Collations refused the others); mongod records a
          // collection with the simple collation as one without a collation.
          "collation");

  @Override
  public List<String> names() {
    return List.of("create");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    String name = Args.collection(command);
    BsonDocument options = new BsonDocument();
    for (String key : command.keySet()) {
      if (IGNORED.contains(key)) {
        continue;
      }
      if (Set.of(
              "capped",
              "size",
              "max",
              "viewOn",
              "pipeline",
              "validator",
              "timeseries",
              "clusteredIndex",
              "changeStreamPreAndPostImages")
          .contains(key)) {
        if (key.equals("capped") && !Args.bool(command, "capped", false)) {
          continue;
        }
        throw new MongoServerException(
            ErrorCode.COMMAND_NOT_SUPPORTED,
            "create option '" + key + "' is not supported by this node yet");
      }
      options.append(key, command.get(key));
    }
    context.node().storage().createCollection(context.database(), name, options);
    return new BsonDocument();
  }
}
