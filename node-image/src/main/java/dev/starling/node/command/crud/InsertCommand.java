package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.command.WriteConcerns;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/** insert: each document is one atomic write; ordered inserts stop at the first error. */
public final class InsertCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("insert");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND)
        .countedAs(OpCounters.Kind.INSERT);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonArray documents = Args.array(command, "documents");
    boolean ordered = Args.bool(command, "ordered", true);
    WriteBatches.checkBatchSize(documents.size());
    CollectionMeta collection = Namespaces.forWrite(context, command);
    int[] n = {0};
    Retries retries = new Retries(context);
    BsonArray errors;
    try (CollectionWriter writer =
        context.node().storage().writer(collection, WriteConcerns.durability(context, command))) {
      errors =
          Statements.run(
              documents,
              ordered,
              (i, document) -> {
                if (retries.executed(i) == null) {
                  retries.run(
                      i, () -> writer.insert(Documents.prepareForInsert(document.asDocument())));
                }
                context.node().opCounters().add(OpCounters.Kind.INSERT, 1);
                n[0]++;
              });
    }
    BsonDocument reply = new BsonDocument("n", new BsonInt32(n[0]));
    if (!errors.isEmpty()) {
      reply.append("writeErrors", errors);
    }
    return WriteConcerns.finish(context, command, retries.reportRetried(reply));
  }
}
