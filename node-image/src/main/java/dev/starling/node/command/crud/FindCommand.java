package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.repl.OplogWriter;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * find: filter, projection, sort, skip, limit, batchSize, singleBatch, hint; results through a
 * cursor.
 */
public final class FindCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("find");
  }

  @Override
  public OpCounters.Kind counterKind() {
    return OpCounters.Kind.QUERY;
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    context.node().opCounters().add(OpCounters.Kind.QUERY, 1);
    FindSpec spec = spec(command);
    long limit = Args.number(command, "limit", 0);
    boolean singleBatch = Args.bool(command, "singleBatch", false) || limit < 0;
    int batchSize = CursorReplies.batchSize(command, CursorReplies.DEFAULT_FIRST_BATCH);
    if (spec.limit() > 0
        && (batchSize == CursorReplies.DEFAULT_FIRST_BATCH || batchSize > spec.limit())) {
      batchSize = (int) Math.min(spec.limit(), Integer.MAX_VALUE);
    }
    Iterator<BsonDocument> results;
    if (context.node().replication() != null && Namespaces.ns(context, command).equals(OPLOG_NS)) {
      results = oplog(context, spec);
    } else {
      results =
          QueryExecutor.find(context.node().storage(), Namespaces.existing(context, command), spec)
              .results();
    }
    return CursorReplies.firstBatch(
        context.node().cursors(), Namespaces.ns(context, command), results, batchSize, singleBatch);
  }

  static final String OPLOG_NS = "local.oplog.rs";

  /**
   * local.oplog.rs, a read-only view of the oplog column in timestamp order. A sort of {@code
   * {$natural: ±1}} or {@code {ts: ±1}} is the storage order, read forwards or backwards.
   */
  private static Iterator<BsonDocument> oplog(CommandContext context, FindSpec spec) {
    BsonDocument sort = spec.sort();
    boolean reverse = false;
    if (sort != null && sort.size() == 1) {
      String field = sort.getFirstKey();
      BsonValue direction = sort.get(field);
      if ((field.equals("$natural") || field.equals("ts")) && direction.isNumber()) {
        reverse = direction.asNumber().doubleValue() < 0;
        sort = null;
      }
    } else if (sort != null && sort.containsKey("$natural")) {
      throw new dev.starling.node.error.MongoServerException(
          dev.starling.node.error.ErrorCode.BAD_VALUE,
          "$natural cannot be combined with other sort fields");
    }
    FindSpec unsorted =
        new FindSpec(
            spec.filter(), sort, spec.projection(), spec.skip(), spec.limit(), spec.hint());
    return QueryExecutor.findIn(OplogWriter.read(context.node().storage(), reverse), unsorted);
  }

  /** The query a find command describes (shared with explain). */
  static FindSpec spec(BsonDocument command) {
    long skip = Args.number(command, "skip", 0);
    long limit = Args.number(command, "limit", 0);
    if (skip < 0) {
      throw new dev.starling.node.error.MongoServerException(
          dev.starling.node.error.ErrorCode.BAD_VALUE,
          "Skip value must be non-negative, but received: " + skip);
    }
    return new FindSpec(
        Args.document(command, "filter", new BsonDocument()),
        Args.document(command, "sort", null),
        Args.document(command, "projection", null),
        skip,
        Math.abs(limit),
        command.get("hint"));
  }
}
