package dev.starling.node.exec;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Chooses a {@link QueryPlan} for a filter: an {@code _id} point lookup, else the index whose
 * leading fields the filter bounds best (equalities count most), else a collection scan. A hint
 * forces the index.
 */
public final class QueryPlanner {
  private QueryPlanner() {}

  public static QueryPlan plan(CollectionMeta collection, BsonDocument filter, BsonValue hint) {
    if (collection == null) {
      return new QueryPlan(QueryPlan.Kind.EOF, null, null, List.of(), null);
    }
    if (hint != null
        && !(hint.isDocument() && hint.asDocument().isEmpty())
        && !(hint.isString() && hint.asString().getValue().isEmpty())) {
      return hinted(collection, filter, hint);
    }
    List<Interval> id = Bounds.intervals(Bounds.condition(filter, "_id"), false);
    if (id != null && id.size() == 1 && id.get(0).isPoint()) {
      return new QueryPlan(QueryPlan.Kind.IDHACK, collection, null, List.of(), id.get(0).low());
    }
    IndexMeta best = null;
    List<List<Interval>> bestBounds = List.of();
    int bestScore = 0;
    for (IndexMeta index : collection.indexes()) {
      List<List<Interval>> bounds = Bounds.forIndex(filter, index.key(), index.multikey());
      if (index.sparse() && Bounds.includesNull(bounds)) {
        // A sparse index has no entries for documents missing the field, which {a: null} matches.
        continue;
      }
      int score = score(bounds) + (index.unique() ? 1 : 0);
      if (!bounds.isEmpty() && score > bestScore) {
        best = index;
        bestBounds = bounds;
        bestScore = score;
      }
    }
    if (best != null) {
      return new QueryPlan(QueryPlan.Kind.IXSCAN, collection, best, bestBounds, null);
    }
    return new QueryPlan(QueryPlan.Kind.COLLSCAN, collection, null, List.of(), null);
  }

  private static int score(List<List<Interval>> bounds) {
    int score = 0;
    for (List<Interval> field : bounds) {
      score += field.stream().allMatch(Interval::isPoint) ? 4 : 2;
    }
    return score;
  }

  private static QueryPlan hinted(CollectionMeta collection, BsonDocument filter, BsonValue hint) {
    if (hint.isDocument() && hint.asDocument().containsKey("$natural")) {
      return new QueryPlan(QueryPlan.Kind.COLLSCAN, collection, null, List.of(), null);
    }
    if ((hint.isString() && hint.asString().getValue().equals("_id_"))
        || (hint.isDocument()
            && hint.asDocument().equals(new BsonDocument("_id", QueryPlan.one())))) {
      return new QueryPlan(QueryPlan.Kind.COLLSCAN, collection, null, List.of(), null);
    }
    for (IndexMeta index : collection.indexes()) {
      if ((hint.isString() && index.name().equals(hint.asString().getValue()))
          || (hint.isDocument() && index.key().equals(hint.asDocument()))) {
        return new QueryPlan(
            QueryPlan.Kind.IXSCAN,
            collection,
            index,
            Bounds.forIndex(filter, index.key(), index.multikey()),
            null);
      }
    }
    throw new MongoServerException(
        ErrorCode.BAD_VALUE,
        "error processing query: planner returned error :: caused by :: hint provided does not"
            + " correspond to an existing index");
  }
}
