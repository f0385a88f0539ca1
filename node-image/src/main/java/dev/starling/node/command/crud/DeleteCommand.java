package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.command.WriteConcerns;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * delete: removes one ({@code limit: 1}) or all ({@code limit: 0}) matching documents per
 * statement.
 */
public final class DeleteCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("delete");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND)
        .countedAs(OpCounters.Kind.DELETE);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonArray deletes = Args.array(command, "deletes");
    StatementFields.check("delete", "deletes", deletes, StatementFields.DELETE);
    boolean ordered = Args.bool(command, "ordered", true);
    WriteBatches.checkBatchSize(deletes.size());
    CollectionMeta collection = Namespaces.existing(context, command);
    long[] n = {0};
    Retries retries = new Retries(context);
    BsonArray errors = new BsonArray();
    if (collection != null) {
      try (CollectionWriter writer =
          context.node().storage().writer(collection, WriteConcerns.durability(context, command))) {
        errors =
            Statements.run(
                deletes,
                ordered,
                (i, statement) -> {
                  context.node().opCounters().add(OpCounters.Kind.DELETE, 1);
                  retries.refuseMulti(Args.number(statement.asDocument(), "limit", 0) == 0);
                  if (retries.executed(i) != null) {
                    n[0]++; // retried: it deleted its document
                    return;
                  }
                  long[] deleted = {0};
                  retries.run(
                      i,
                      () -> deleted[0] = deleteMatching(context, writer, statement.asDocument()));
                  n[0] += deleted[0];
                });
      }
    } else {
      context.node().opCounters().add(OpCounters.Kind.DELETE, deletes.size());
    }
    BsonDocument reply = new BsonDocument("n", new BsonInt32((int) n[0]));
    if (!errors.isEmpty()) {
      reply.append("writeErrors", errors);
    }
    return WriteConcerns.finish(context, command, retries.reportRetried(reply));
  }

  private static long deleteMatching(
      CommandContext context, CollectionWriter writer, BsonDocument statement) {
    long limit = Args.number(statement, "limit", 0);
    if (limit != 0 && limit != 1) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "The limit field in delete objects must be 0 or 1. Got " + limit);
    }
    FindSpec spec =
        new FindSpec(
            Args.document(statement, "q", new BsonDocument()),
            null,
            null,
            0,
            limit,
            statement.get("hint"));
    List<BsonDocument> matches = new ArrayList<>();
    Iterator<BsonDocument> it =
        QueryExecutor.find(context.node().storage(), writer.collection(), spec).results();
    while (it.hasNext()) {
      matches.add(it.next());
    }
    for (BsonDocument doc : matches) {
      writer.delete(doc);
    }
    return matches.size();
  }
}
