package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.catalog.CollStatsCommand;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.query.Pipeline;
import dev.starling.node.storage.CollectionMeta;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/** aggregate: runs a pipeline over a collection; a leading $match may use an index. */
public final class AggregateCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("aggregate");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  /**
   * An aggregate that ends in {@code $out} or {@code $merge} (and is not an explain) is a write: it
   * takes a write concern, which it waits for itself, as the insert and update commands do. Like
   * mongod 6.0 it still passes the read gate of a secondary for a client that opted in (13435
   * otherwise); {@link AggregateWrites} then refuses it there with 10107.
   */
  @Override
  public CommandMetadata metadata(BsonDocument command) {
    if (Pipeline.endsInWriteStage(command.get("pipeline"))
        && !(command.get("explain") instanceof org.bson.BsonBoolean explain
            && explain.getValue())) {
      return new CommandMetadata(
          CommandMetadata.AllowedOnSecondary.OPT_IN,
          CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND,
          dev.starling.node.command.OpCounters.Kind.COMMAND);
    }
    return metadata();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    if (!command.get("aggregate").isString()) {
      throw new MongoServerException(
          ErrorCode.INVALID_NAMESPACE,
          "{aggregate: 1} is not supported by this node: name a collection");
    }
    BsonArray stages = Args.array(command, "pipeline");
    if (!stages.isEmpty()
        && stages.get(0).isDocument()
        && stages.get(0).asDocument().containsKey("$collStats")) {
      return collStats(context, command, stages);
    }
    Pipeline pipeline = Pipeline.compile(stages);
    boolean explain = Args.bool(command, "explain", false);
    BsonValue cursorOption = command.get("cursor");
    if (!explain && (cursorOption == null || !cursorOption.isDocument())) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE,
          "The 'cursor' option is required, except for aggregate with the explain argument");
    }
    if (pipeline.writeStage() != null && !explain) {
      return AggregateWrites.run(context, command, pipeline);
    }
    Iterator<BsonDocument> input;
    if (FindCommand.namesOplog(context, command)) {
      if (explain) {
        throw new MongoServerException(
            ErrorCode.NOT_IMPLEMENTED,
            "explain of an aggregate on local.oplog.rs is not supported");
      }
      BsonDocument filter = pipeline.leadingMatchFilter();
      input =
          FindCommand.oplog(context, FindSpec.filter(filter == null ? new BsonDocument() : filter));
    } else {
      Prepared prepared = prepare(context, command, pipeline);
      if (explain) {
        return explain(context, command, prepared);
      }
      input = prepared.execution().results();
    }
    int batchSize =
        CursorReplies.batchSize(cursorOption.asDocument(), CursorReplies.DEFAULT_FIRST_BATCH);
    Iterator<BsonDocument> results = pipeline.stream(input);
    return CursorReplies.firstBatch(
        context.node().cursors(), Namespaces.ns(context, command), results, batchSize, false);
  }

  /**
   * {@code $collStats} (what mongosh's {@code db.coll.stats()} sends): one document, then the rest
   * of the pipeline.
   */
  private static BsonDocument collStats(
      CommandContext context, BsonDocument command, BsonArray stages) {
    BsonDocument stats =
        new CollStatsCommand()
            .run(context, new BsonDocument("collStats", command.get("aggregate")));
    BsonDocument spec = stages.get(0).asDocument().getDocument("$collStats");
    BsonDocument out =
        new BsonDocument("ns", stats.get("ns"))
            .append("host", new BsonString(context.node().me()))
            .append("localTime", new org.bson.BsonDateTime(context.node().clock().millis()));
    if (spec.containsKey("storageStats")) {
      BsonDocument storageStats = stats.clone();
      storageStats.remove("ns");
      out.append("storageStats", storageStats);
    }
    if (spec.containsKey("count")) {
      out.append("count", new BsonDocument("count", stats.get("count")));
    }
    Pipeline rest = Pipeline.compile(new BsonArray(stages.getValues().subList(1, stages.size())));
    if (rest.writeStage() != null) {
      throw new MongoServerException(
          ErrorCode.NOT_IMPLEMENTED,
          rest.writeStage().name() + " after $collStats is not supported by this node");
    }
    BsonDocument cursor = Args.document(command, "cursor", new BsonDocument());
    return CursorReplies.firstBatch(
        context.node().cursors(),
        Namespaces.ns(context, command),
        rest.stream(List.of(out).iterator()),
        CursorReplies.batchSize(cursor, CursorReplies.DEFAULT_FIRST_BATCH),
        false);
  }

  /** The pipeline's input: the collection read through the plan its leading $match allows. */
  record Prepared(QueryExecutor.Execution execution, BsonDocument filter) {}

  static Prepared prepare(CommandContext context, BsonDocument command, Pipeline pipeline) {
    CollectionMeta collection = Namespaces.existing(context, command);
    BsonDocument filter = pipeline.leadingMatchFilter();
    if (filter == null) {
      filter = new BsonDocument();
    }
    FindSpec spec = new FindSpec(filter, null, null, 0, 0, command.get("hint"));
    return new Prepared(QueryExecutor.find(context.node().storage(), collection, spec), filter);
  }

  static BsonDocument explain(CommandContext context, BsonDocument command, Prepared prepared) {
    BsonArray stages = new BsonArray();
    stages.add(
        new BsonDocument(
            "$cursor",
            new BsonDocument(
                "queryPlanner",
                new BsonDocument("namespace", new BsonString(Namespaces.ns(context, command)))
                    .append("winningPlan", prepared.execution().plan().explain(prepared.filter()))
                    .append("rejectedPlans", new BsonArray()))));
    for (BsonValue stage : Args.array(command, "pipeline")) {
      stages.add(stage);
    }
    return new BsonDocument("explainVersion", new BsonString("1")).append("stages", stages);
  }
}
