package dev.starling.node.command.crud;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.CursorReplies;
import dev.starling.node.command.Namespaces;
import dev.starling.node.command.OpCounters;
import dev.starling.node.exec.Cursor;
import dev.starling.node.exec.FindSpec;
import dev.starling.node.exec.IndexBounds;
import dev.starling.node.exec.QueryExecutor;
import dev.starling.node.repl.OplogTail;
import dev.starling.node.repl.OplogWriter;
import dev.starling.node.storage.CollectionMeta;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
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
  public CommandMetadata metadata() {
    return CommandMetadata.secondaryOptIn().countedAs(OpCounters.Kind.QUERY);
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
    if (context.node().replication().hasOplog()
        && Namespaces.ns(context, command).equals(OPLOG_NS)) {
      return oplogFind(context, command, spec, batchSize, singleBatch);
    }
    CollectionMeta collection = Namespaces.existing(context, command);
    // mongod checks min/max when it plans, so a missing collection returns nothing without error.
    IndexBounds bounds =
        collection == null
            ? null
            : IndexBounds.of(
                collection,
                Args.document(command, "min", new BsonDocument()),
                Args.document(command, "max", new BsonDocument()),
                spec.hint());
    results = QueryExecutor.find(context.node().storage(), collection, spec, bounds).results();
    return CursorReplies.firstBatch(
        context.node().cursors(), Namespaces.ns(context, command), results, batchSize, singleBatch);
  }

  /**
   * A find on local.oplog.rs. A filter with a lower bound on {@code ts} seeks to it; {@code
   * tailable} keeps the cursor open at the end, and {@code awaitData} getMores wait for new
   * entries. A query that asks for {@code $replData} gets this node's replication metadata on the
   * reply, as an oplog fetcher needs.
   */
  private static BsonDocument oplogFind(
      CommandContext context,
      BsonDocument command,
      FindSpec spec,
      int batchSize,
      boolean singleBatch) {
    var replication = context.node().replication();
    if (command.containsKey("$replData")) {
      replication.failPoints().refuseIncomingReplicationTraffic();
    }
    boolean tailable = Args.bool(command, "tailable", false);
    boolean awaitData = Args.bool(command, "awaitData", false);
    BsonDocument reply;
    BsonTimestamp from = lowerTsBound(spec.filter());
    boolean forward = spec.sort() == null || isNaturalForward(spec.sort());
    if (from != null && forward || tailable) {
      if (tailable && (spec.sort() != null && !forward)) {
        throw new dev.starling.node.error.MongoServerException(
            dev.starling.node.error.ErrorCode.BAD_VALUE,
            "error processing query: tailable cursor requested on a non-natural sort");
      }
      boolean inclusive = from == null || spec.filter().getDocument("ts").containsKey("$gte");
      OplogTail tail =
          new OplogTail(
              context.node().storage(), from == null ? new BsonTimestamp(0) : from, inclusive);
      FindSpec rest =
          new FindSpec(
              spec.filter(), null, spec.projection(), spec.skip(), spec.limit(), spec.hint());
      Iterator<BsonDocument> results = QueryExecutor.findIn(tail, rest);
      if (tailable) {
        Cursor.Tail waiter =
            awaitData
                ? millis -> replication.awaitOplogAfter(tail.lastSeen(), millis)
                : millis -> {};
        reply =
            CursorReplies.firstBatchTailable(
                context.node().cursors(), OPLOG_NS, results, batchSize, waiter);
      } else {
        reply =
            CursorReplies.firstBatch(
                context.node().cursors(), OPLOG_NS, results, batchSize, singleBatch);
      }
    } else {
      reply =
          CursorReplies.firstBatch(
              context.node().cursors(), OPLOG_NS, oplog(context, spec), batchSize, singleBatch);
    }
    if (command.containsKey("$replData")) {
      // Refuses the batch if a fail point dropped replication traffic while it was read.
      reply.putAll(replication.oplogQueryMetadata());
    }
    return reply;
  }

  private static boolean isNaturalForward(BsonDocument sort) {
    if (sort.size() != 1) {
      return false;
    }
    String field = sort.getFirstKey();
    BsonValue direction = sort.get(field);
    return (field.equals("$natural") || field.equals("ts"))
        && direction.isNumber()
        && direction.asNumber().doubleValue() > 0;
  }

  /** The timestamp of a {@code ts: {$gte|$gt: T}} condition in the filter, or null. */
  private static BsonTimestamp lowerTsBound(BsonDocument filter) {
    if (filter.get("ts") instanceof BsonDocument cond) {
      for (String op : List.of("$gte", "$gt")) {
        if (cond.get(op) instanceof BsonTimestamp ts) {
          return ts;
        }
      }
    }
    return null;
  }

  static final String OPLOG_NS = "local.oplog.rs";

  /**
   * Whether the command names local.oplog.rs, which is no collection but a view of the oplog
   * column: count, distinct and aggregate then read it through {@link #oplog}, as find does.
   */
  static boolean namesOplog(CommandContext context, BsonDocument command) {
    return Namespaces.ns(context, command).equals(OPLOG_NS);
  }

  /**
   * Refuses the find options this node does not honour rather than ignore them, with 238
   * NotImplemented (a well-formed request mongod would serve). {@code showRecordId}: records are
   * keyed by {@code _id}, there is no record id to show. {@code returnKey}: mongod returns the key
   * of the index its plan scanned, and here the {@code _id} index is the record store itself (its
   * scans are collection scans), so the keys would differ from mongod's. A false value asks for
   * nothing and is accepted.
   */
  private static void refuseUnsupported(BsonDocument command) {
    for (String option : List.of("returnKey", "showRecordId")) {
      if (Args.bool(command, option, false)) {
        throw new dev.starling.node.error.MongoServerException(
            dev.starling.node.error.ErrorCode.NOT_IMPLEMENTED,
            "find option " + option + " is not supported by this node");
      }
    }
  }

  /**
   * local.oplog.rs, a read-only view of the oplog column in timestamp order. A sort of {@code
   * {$natural: ±1}} or {@code {ts: ±1}} is the storage order, read forwards or backwards.
   */
  static Iterator<BsonDocument> oplog(CommandContext context, FindSpec spec) {
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
    refuseUnsupported(command);
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
