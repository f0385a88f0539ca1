package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.storage.CollectionMeta;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * count: the number of matching documents, after skip and limit; an empty query reads the
 * collection's counter.
 */
public final class CountCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("count");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    CollectionMeta collection = Namespaces.existing(context, command);
    BsonDocument query = Args.document(command, "query", new BsonDocument());
    long skip = Math.max(0, Args.number(command, "skip", 0));
    long limit = Math.abs(Args.number(command, "limit", 0));
    long n;
    if (FindCommand.namesOplog(context, command)) {
      n =
          count(
              FindCommand.oplog(
                  context, new FindSpec(query, null, null, skip, limit, command.get("hint"))));
    } else if (collection == null) {
      n = 0;
    } else if (query.isEmpty()) {
      n = Math.max(0, context.node().storage().count(collection) - skip);
      if (limit > 0) {
        n = Math.min(n, limit);
      }
    } else {
      n =
          count(
              QueryExecutor.find(
                      context.node().storage(),
                      collection,
                      new FindSpec(query, null, null, skip, limit, command.get("hint")))
                  .results());
    }
    return new BsonDocument("n", new BsonInt32((int) n));
  }

  private static long count(Iterator<BsonDocument> it) {
    long n = 0;
    while (it.hasNext()) {
      it.next();
      n++;
    }
    return n;
  }
}
