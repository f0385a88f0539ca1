package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.command.WriteConcerns;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/** update: replacement or operator updates, upsert, multi; one atomic write per document. */
public final class UpdateCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("update");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND)
        .countedAs(OpCounters.Kind.UPDATE);
  }

  private static boolean anyUpsert(BsonArray updates) {
    for (BsonValue entry : updates) {
      if (entry.isDocument() && Args.bool(entry.asDocument(), "upsert", false)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonArray updates = Args.array(command, "updates");
    StatementFields.check("update", "updates", updates, StatementFields.UPDATE);
    boolean ordered = Args.bool(command, "ordered", true);
    WriteBatches.checkBatchSize(updates.size());
    CollectionMeta collection = Namespaces.existing(context, command);
    if (collection == null && anyUpsert(updates)) {
      collection = Namespaces.forWrite(context, command);
    }
    if (collection == null) {
      // Nothing can match in a collection that does not exist, and nothing creates it; but each
      // update is still parsed, as mongod does, so an invalid one is a write error here too.
      BsonArray invalid =
          Statements.run(
              updates,
              ordered,
              (i, entry) -> {
                context.node().opCounters().add(OpCounters.Kind.UPDATE, 1);
                BsonDocument statement = entry.asDocument();
                DocumentUpdater.compile(statement.get("u"), Args.bool(statement, "multi", false));
              });
      BsonDocument reply =
          new BsonDocument("n", new BsonInt32(0)).append("nModified", new BsonInt32(0));
      if (!invalid.isEmpty()) {
        reply.append("writeErrors", invalid);
      }
      return WriteConcerns.finish(context, command, reply);
    }
    long[] counts = {0, 0}; // n, nModified
    BsonArray upserted = new BsonArray();
    BsonArray errors;
    BsonDateTime now = new BsonDateTime(context.node().clock().millis());
    Retries retries = new Retries(context);
    try (CollectionWriter writer =
        context.node().storage().writer(collection, WriteConcerns.durability(context, command))) {
      errors =
          Statements.run(
              updates,
              ordered,
              (i, entry) -> {
                context.node().opCounters().add(OpCounters.Kind.UPDATE, 1);
                BsonDocument statement = entry.asDocument();
                boolean multi = Args.bool(statement, "multi", false);
                retries.refuseMulti(multi);
                BsonDocument done = retries.executed(i);
                if (done != null) {
                  // Retried: the entry says what the statement did.
                  counts[0]++;
                  if (Retries.op(done).equals("i")) {
                    upserted.add(
                        new BsonDocument("index", new BsonInt32(i))
                            .append("_id", done.getDocument("o").get("_id")));
                  } else {
                    counts[1]++;
                  }
                  return;
                }
                DocumentUpdater.Outcome[] ran = new DocumentUpdater.Outcome[1];
                retries.run(
                    i,
                    () ->
                        ran[0] =
                            DocumentUpdater.apply(
                                context.node().storage(),
                                writer,
                                new FindSpec(
                                    Args.document(statement, "q", new BsonDocument()),
                                    null,
                                    null,
                                    0,
                                    0,
                                    statement.get("hint")),
                                DocumentUpdater.compile(statement.get("u"), multi),
                                multi,
                                Args.bool(statement, "upsert", false),
                                now));
                DocumentUpdater.Outcome outcome = ran[0];
                if (outcome.upsertedId() != null) {
                  counts[0]++;
                  upserted.add(
                      new BsonDocument("index", new BsonInt32(i))
                          .append("_id", outcome.upsertedId()));
                } else {
                  counts[0] += outcome.matched();
                  counts[1] += outcome.modified();
                }
              });
    }
    BsonDocument reply = new BsonDocument("n", new BsonInt32((int) counts[0]));
    reply.append("nModified", new BsonInt32((int) counts[1]));
    if (!upserted.isEmpty()) {
      reply.append("upserted", upserted);
    }
    if (!errors.isEmpty()) {
      reply.append("writeErrors", errors);
    }
    return WriteConcerns.finish(context, command, retries.reportRetried(reply));
  }
}
