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
import dev.starling.node.query.Projection;
import dev.starling.node.query.Update;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonValue;

/** findAndModify: updates, replaces or removes one document and returns it (before or after). */
public final class FindAndModifyCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("findAndModify", "findandmodify");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    boolean remove = Args.bool(command, "remove", false);
    BsonValue updateSpec = command.get("update");
    if (remove == (updateSpec != null)) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "Either an update or remove=true must be specified");
    }
    boolean upsert = Args.bool(command, "upsert", false);
    boolean returnNew = Args.bool(command, "new", false);
    if (remove && (upsert || returnNew)) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "Cannot specify both an update and remove=true");
    }
    FindSpec query =
        new FindSpec(
            Args.document(command, "query", new BsonDocument()),
            Args.document(command, "sort", null),
            null,
            0,
            1,
            command.get("hint"));
    BsonDocument fields = Args.document(command, "fields", null);
    // Parsed before the collection is looked up or created, as mongod parses it: an invalid update
    // fails even when nothing would match, and leaves no collection behind.
    Update update = remove ? null : DocumentUpdater.compile(updateSpec, false);
    CollectionMeta collection = Namespaces.forWrite(context, command);
    Retries retries = new Retries(context);
    BsonDocument done = retries.executed(0);
    if (done != null) {
      // As mongod (5.0+): the reply of a statement answered from the session's history names it.
      return WriteConcerns.finish(
          context,
          command,
          retried(retries, done, remove, returnNew, fields)
              .append("retriedStmtId", new BsonInt32(0)));
    }
    BsonDocument lastError = new BsonDocument();
    BsonValue value;
    try (CollectionWriter writer =
        context.node().storage().writer(collection, WriteConcerns.durability(context, command))) {
      if (remove) {
        context.node().opCounters().add(OpCounters.Kind.DELETE, 1);
        Iterator<BsonDocument> it =
            QueryExecutor.find(context.node().storage(), writer.collection(), query).results();
        BsonDocument doc = it.hasNext() ? it.next() : null;
        if (doc != null) {
          retries.run(0, "preImage", () -> writer.delete(doc));
        }
        lastError.append("n", new BsonInt32(doc == null ? 0 : 1));
        value = doc;
      } else {
        context.node().opCounters().add(OpCounters.Kind.UPDATE, 1);
        DocumentUpdater.Outcome[] ran = new DocumentUpdater.Outcome[1];
        retries.run(
            0,
            returnNew ? "postImage" : "preImage",
            () ->
                ran[0] =
                    DocumentUpdater.apply(
                        context.node().storage(),
                        writer,
                        query,
                        update,
                        false,
                        upsert,
                        new BsonDateTime(context.node().clock().millis())));
        DocumentUpdater.Outcome outcome = ran[0];
        boolean upserted = outcome.upsertedId() != null;
        lastError.append("n", new BsonInt32(upserted || outcome.matched() > 0 ? 1 : 0));
        lastError.append("updatedExisting", BsonBoolean.valueOf(outcome.matched() > 0));
        if (upserted) {
          lastError.append("upserted", outcome.upsertedId());
        }
        value = returnNew ? outcome.after() : outcome.before();
      }
    }
    return WriteConcerns.finish(context, command, reply(lastError, value, fields));
  }

  private static BsonDocument reply(BsonDocument lastError, BsonValue value, BsonDocument fields) {
    if (value != null && fields != null && !fields.isEmpty()) {
      value = Projection.compile(fields).apply(value.asDocument());
    }
    return new BsonDocument("lastErrorObject", lastError)
        .append("value", value == null ? BsonNull.VALUE : value);
  }

  /**
   * The reply of a retried findAndModify, from the entry of its write and the document it kept:
   * what the first run answered.
   */
  private static BsonDocument retried(
      Retries retries, BsonDocument entry, boolean remove, boolean returnNew, BsonDocument fields) {
    BsonDocument lastError = new BsonDocument("n", new BsonInt32(1));
    String op = Retries.op(entry);
    if (remove) {
      return reply(lastError, retries.image(entry), fields);
    }
    lastError.append("updatedExisting", BsonBoolean.valueOf(op.equals("u")));
    if (op.equals("i")) {
      BsonDocument inserted = entry.getDocument("o");
      lastError.append("upserted", inserted.get("_id"));
      return reply(lastError, returnNew ? inserted : null, fields);
    }
    return reply(lastError, retries.image(entry), fields);
  }
}
