package dev.starling.node.command.catalog;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import java.util.List;
import org.bson.BsonDocument;

/**
 * renameCollection: {@code {renameCollection: "db.from", to: "db.to", dropTarget}}, run on admin.
 */
public final class RenameCollectionCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("renameCollection");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.requireAdmin(context, "renameCollection");
    String[] from = split(Args.string(command, "renameCollection", null), "source");
    String[] to = split(Args.string(command, "to", null), "target");
    CollectionMeta source = context.node().storage().collection(from[0], from[1]);
    if (source == null) {
      throw new MongoServerException(
          ErrorCode.NAMESPACE_NOT_FOUND,
          "Source collection " + from[0] + "." + from[1] + " does not exist");
    }
    if (from[0].equals(to[0]) && from[1].equals(to[1])) {
      throw new MongoServerException(
          ErrorCode.ILLEGAL_OPERATION, "Can't rename a collection to itself");
    }
    context
        .node()
        .storage()
        .renameCollection(source, to[0], to[1], Args.bool(command, "dropTarget", false));
    context.node().cursors().killNamespace(source.ns(), "collection renamed");
    context.node().cursors().killNamespace(to[0] + "." + to[1], "collection dropped");
    return new BsonDocument();
  }

  private static String[] split(String ns, String which) {
    int dot = ns == null ? -1 : ns.indexOf('.');
    if (dot <= 0 || dot == ns.length() - 1) {
      throw new MongoServerException(
          ErrorCode.INVALID_NAMESPACE, "Invalid " + which + " namespace: " + ns);
    }
    String db = ns.substring(0, dot);
    Databases.validate(db);
    return new String[] {db, ns.substring(dot + 1)};
  }
}
