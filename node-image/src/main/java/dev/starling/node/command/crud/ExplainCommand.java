package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Namespaces;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.query.Pipeline;
import dev.starling.node.util.Version;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * explain of find, count and aggregate: the chosen plan (IDHACK, IXSCAN with its index and bounds,
 * COLLSCAN) and, for executionStats verbosity, what running it examined and returned.
 */
public final class ExplainCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("explain");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonValue inner = command.get("explain");
    if (!inner.isDocument() || inner.asDocument().isEmpty()) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "explain command requires a nested object");
    }
    BsonDocument explained = inner.asDocument();
    String verbosity = Args.string(command, "verbosity", "allPlansExecution");
    String name = explained.getFirstKey();
    FindSpec spec;
    BsonDocument reply;
    switch (name) {
      case "find" -> {
        spec = FindCommand.spec(explained);
        if (!Args.document(explained, "min", new BsonDocument()).isEmpty()
            || !Args.document(explained, "max", new BsonDocument()).isEmpty()) {
          // The find itself honours them (IndexBounds); its explain would not show them.
          throw new MongoServerException(
              ErrorCode.NOT_IMPLEMENTED, "explain of a find with min or max is not supported");
        }
      }
      case "count" ->
          spec =
              new FindSpec(
                  Args.document(explained, "query", new BsonDocument()),
                  null,
                  null,
                  Math.max(0, Args.number(explained, "skip", 0)),
                  Math.abs(Args.number(explained, "limit", 0)),
                  explained.get("hint"));
      case "aggregate" -> {
        Pipeline pipeline = Pipeline.compile(Args.array(explained, "pipeline"));
        reply =
            AggregateCommand.explain(
                context, explained, AggregateCommand.prepare(context, explained, pipeline));
        return withServerInfo(context, reply, explained);
      }
      default ->
          throw new MongoServerException(
              ErrorCode.COMMAND_NOT_SUPPORTED,
              "Explain for the " + name + " command is not supported");
    }
    QueryExecutor.Execution execution =
        QueryExecutor.find(context.node().storage(), Namespaces.existing(context, explained), spec);
    BsonDocument filter = spec.filter();
    reply =
        new BsonDocument("explainVersion", new BsonString("1"))
            .append(
                "queryPlanner",
                new BsonDocument("namespace", new BsonString(Namespaces.ns(context, explained)))
                    .append("indexFilterSet", BsonBoolean.FALSE)
                    .append("parsedQuery", filter)
                    .append("winningPlan", execution.plan().explain(filter))
                    .append("rejectedPlans", new BsonArray()));
    if (!verbosity.equals("queryPlanner")) {
      long started = context.node().clock().millis();
      long returned = 0;
      Iterator<BsonDocument> results = execution.results();
      while (results.hasNext()) {
        results.next();
        returned++;
      }
      reply.append(
          "executionStats",
          new BsonDocument("executionSuccess", BsonBoolean.TRUE)
              .append("nReturned", new BsonInt64(returned))
              .append(
                  "executionTimeMillis", new BsonInt64(context.node().clock().millis() - started))
              .append("totalKeysExamined", new BsonInt64(execution.plan().keysExamined()))
              .append("totalDocsExamined", new BsonInt64(execution.plan().docsExamined())));
    }
    return withServerInfo(context, reply, explained);
  }

  private static BsonDocument withServerInfo(
      CommandContext context, BsonDocument reply, BsonDocument explained) {
    return reply
        .append(
            "serverInfo",
            new BsonDocument("host", new BsonString(context.node().hostName()))
                .append("port", new BsonInt32(context.node().options().port))
                .append("version", new BsonString("6.0.0"))
                .append("starling", new BsonString(Version.STARLING)))
        .append("command", explained);
  }
}
