package dev.starling.node.exec;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.query.Filter;
import dev.starling.node.query.Projection;
import dev.starling.node.query.SortOrder;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Iterators;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.bson.BsonDocument;

/**
 * Runs a {@link FindSpec} against a collection: plan, filter, sort (in memory, top-k when limited),
 * skip, limit, project. Results are produced lazily unless a sort needs them all.
 */
public final class QueryExecutor {
  /** MongoDB's limit for an in-memory sort without allowDiskUse. */
  static final long MAX_SORT_BYTES = 100L * 1024 * 1024;

  private QueryExecutor() {}

  /** The execution of one query: its plan (for explain and stats) and its results. */
  public record Execution(QueryPlan plan, Iterator<BsonDocument> results) {}

  public static Execution find(StorageEngine storage, CollectionMeta collection, FindSpec spec) {
    return find(storage, collection, spec, null);
  }

  /**
   * The same, keeping only the matches that also pass {@code also} (a find's min/max bounds),
   * before sort, skip and limit; {@code also} may be null.
   */
  public static Execution find(
      StorageEngine storage,
      CollectionMeta collection,
      FindSpec spec,
      java.util.function.Predicate<BsonDocument> also) {
    BsonDocument filterSpec = spec.filter() == null ? new BsonDocument() : spec.filter();
    Filter filter = Filter.compile(filterSpec);
    QueryPlan plan = QueryPlanner.plan(collection, filterSpec, spec.hint());
    Iterator<BsonDocument> candidates = plan.candidates(storage);
    if (also != null) {
      candidates = Iterators.filter(candidates, also);
    }
    return new Execution(plan, finish(candidates, filter, spec));
  }

  /**
   * Runs a spec over documents from a source that is not a collection (a virtual collection such as
   * {@code local.oplog.rs}); the caller has already applied any {@code $natural} order.
   */
  public static Iterator<BsonDocument> findIn(Iterator<BsonDocument> source, FindSpec spec) {
    BsonDocument filterSpec = spec.filter() == null ? new BsonDocument() : spec.filter();
    return finish(source, Filter.compile(filterSpec), spec);
  }

  private static Iterator<BsonDocument> finish(
      Iterator<BsonDocument> candidates, Filter filter, FindSpec spec) {
    Iterator<BsonDocument> matching = Iterators.filter(candidates, filter::matches);
    Iterator<BsonDocument> results;
    if (spec.sort() != null && !spec.sort().isEmpty()) {
      Comparator<BsonDocument> order = SortOrder.compile(spec.sort());
      results =
          sorted(matching, order, spec.limit() > 0 ? spec.skip() + spec.limit() : 0).iterator();
    } else {
      results = matching;
    }
    results = Iterators.slice(results, spec.skip(), spec.limit());
    if (spec.projection() != null && !spec.projection().isEmpty()) {
      Projection projection = Projection.compile(spec.projection());
      results = Iterators.map(results, projection::apply);
    }
    return results;
  }

  /**
   * All matches sorted; with {@code keep > 0} only the first {@code keep}, holding no more than
   * that in memory.
   */
  static List<BsonDocument> sorted(
      Iterator<BsonDocument> source, Comparator<BsonDocument> order, long keep) {
    if (keep > 0 && keep < 100_000) {
      PriorityQueue<BsonDocument> top = new PriorityQueue<>(order.reversed());
      while (source.hasNext()) {
        top.add(source.next());
        if (top.size() > keep) {
          top.poll();
        }
      }
      List<BsonDocument> out = new ArrayList<>(top);
      out.sort(order);
      return out;
    }
    List<BsonDocument> all = new ArrayList<>();
    long bytes = 0;
    while (source.hasNext()) {
      BsonDocument doc = source.next();
      bytes += dev.starling.node.bson.BsonCodec.size(doc);
      if (bytes > MAX_SORT_BYTES) {
        throw new MongoServerException(
            ErrorCode.QUERY_EXCEEDED_MEMORY_LIMIT,
            "Executor error during find command :: caused by :: Sort exceeded memory limit of "
                + MAX_SORT_BYTES
                + " bytes, but did not opt in to external sorting.");
      }
      all.add(doc);
    }
    all.sort(order);
    return all;
  }
}
