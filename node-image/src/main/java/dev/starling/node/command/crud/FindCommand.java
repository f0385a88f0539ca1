package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import java.util.List;
import org.bson.BsonDocument;

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
    QueryExecutor.Execution execution =
        QueryExecutor.find(context.node().storage(), Namespaces.existing(context, command), spec);
    return CursorReplies.firstBatch(
        context.node().cursors(),
        Namespaces.ns(context, command),
        execution.results(),
        batchSize,
        singleBatch);
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
