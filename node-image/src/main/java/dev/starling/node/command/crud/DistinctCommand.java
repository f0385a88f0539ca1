package dev.starling.node.command.crud;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexKeys;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * distinct: the distinct values of a field among matching documents, array elements counted singly.
 */
public final class DistinctCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("distinct");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    String key = Args.string(command, "key", null);
    if (key == null) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "BSON field 'distinct.key' is missing but a required field");
    }
    CollectionMeta collection = Namespaces.existing(context, command);
    TreeSet<BsonValue> values = new TreeSet<>(BsonOrder.ORDER);
    FindSpec spec = FindSpec.filter(Args.document(command, "query", new BsonDocument()));
    boolean oplog = FindCommand.namesOplog(context, command);
    if (collection != null || oplog) {
      Iterator<BsonDocument> it =
          oplog
              ? FindCommand.oplog(context, spec)
              : QueryExecutor.find(context.node().storage(), collection, spec).results();
      while (it.hasNext()) {
        BsonDocument doc = it.next();
        values.addAll(IndexKeys.valuesAt(doc, key));
      }
    }
    return new BsonDocument("values", new BsonArray(List.copyOf(values)));
  }
}
