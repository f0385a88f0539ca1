package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.command.Replies;
import dev.starling.node.command.WriteConcerns;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/** insert: each document is one atomic write; ordered inserts stop at the first error. */
public final class InsertCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("insert");
  }

  @Override
  public OpCounters.Kind counterKind() {
    return OpCounters.Kind.INSERT;
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonArray documents = Args.array(command, "documents");
    boolean ordered = Args.bool(command, "ordered", true);
    WriteBatches.checkBatchSize(documents.size());
    CollectionMeta collection = Namespaces.forWrite(context, command);
    int n = 0;
    BsonArray errors = new BsonArray();
    try (CollectionWriter writer =
        context.node().storage().writer(collection, WriteConcerns.durability(command))) {
      for (int i = 0; i < documents.size(); i++) {
        BsonValue value = documents.get(i);
        try {
          if (!value.isDocument()) {
            throw MongoServerException.typeMismatch("documents must be objects");
          }
          writer.insert(Documents.prepareForInsert(value.asDocument()));
          context.node().opCounters().add(OpCounters.Kind.INSERT, 1);
          n++;
        } catch (MongoServerException e) {
          errors.add(Replies.writeError(i, e));
          if (ordered) {
            break;
          }
        }
      }
    }
    BsonDocument reply = new BsonDocument("n", new BsonInt32(n));
    if (!errors.isEmpty()) {
      reply.append("writeErrors", errors);
    }
    return WriteConcerns.finish(command, reply);
  }
}
