package dev.starling.node.exec;

import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Iterators;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * How a query reads a collection: by {@code _id} (IDHACK), through one index's key ranges (IXSCAN),
 * by a full scan (COLLSCAN), or not at all (EOF, the collection does not exist). It yields
 * candidate documents; the caller applies the filter.
 */
public final class QueryPlan {
  /** The access path. */
  public enum Kind {
    IDHACK,
    IXSCAN,
    COLLSCAN,
    EOF
  }

  private final Kind kind;
  private final CollectionMeta collection;
  private final IndexMeta index;
  private final List<List<Interval>> bounds;
  private final BsonValue id;
  private long docsExamined;

  QueryPlan(
      Kind kind,
      CollectionMeta collection,
      IndexMeta index,
      List<List<Interval>> bounds,
      BsonValue id) {
    this.kind = kind;
    this.collection = collection;
    this.index = index;
    this.bounds = bounds;
    this.id = id;
  }

  public Kind kind() {
    return kind;
  }

  /** The index an IXSCAN uses, else null. */
  public IndexMeta index() {
    return index;
  }

  public long docsExamined() {
    return docsExamined;
  }

  /** Index keys read: one per fetched document for an index scan ({@code _id} lookups included). */
  public long keysExamined() {
    return kind == Kind.IXSCAN || kind == Kind.IDHACK ? docsExamined : 0;
  }

  /** The candidate documents, lazily. */
  public Iterator<BsonDocument> candidates(StorageEngine storage) {
    Iterator<BsonDocument> source =
        switch (kind) {
          case EOF -> Collections.emptyIterator();
          case IDHACK -> {
            BsonDocument doc = storage.findById(collection, id);
            yield doc == null ? Collections.emptyIterator() : List.of(doc).iterator();
          }
          case COLLSCAN -> storage.scan(collection);
          case IXSCAN -> indexScan(storage);
        };
    return Iterators.map(
        source,
        doc -> {
          docsExamined++;
          return doc;
        });
  }

  private Iterator<BsonDocument> indexScan(StorageEngine storage) {
    List<byte[][]> ranges = Bounds.keyRanges(bounds, index.key());
    if (ranges.isEmpty()) {
      return storage.scanIndex(collection, index, null, null);
    }
    if (ranges.size() == 1) {
      return storage.scanIndex(collection, index, ranges.get(0)[0], ranges.get(0)[1]);
    }
    // Several ranges ($in, or several points of a compound key): a document may fall in more than
    // one.
    List<Iterator<BsonDocument>> parts = new ArrayList<>();
    for (byte[][] range : ranges) {
      parts.add(storage.scanIndex(collection, index, range[0], range[1]));
    }
    Iterator<BsonDocument> all = Iterators.concat(parts.iterator());
    java.util.Set<BsonValue> seen = new java.util.TreeSet<>(dev.starling.node.bson.BsonOrder.ORDER);
    return Iterators.filter(all, doc -> seen.add(doc.get("_id")));
  }

  /** The winning plan as explain reports it. */
  public BsonDocument explain(BsonDocument filter) {
    return switch (kind) {
      case EOF -> new BsonDocument("stage", new BsonString("EOF"));
      case IDHACK -> new BsonDocument("stage", new BsonString("IDHACK"));
      case COLLSCAN ->
          new BsonDocument("stage", new BsonString("COLLSCAN"))
              .append("filter", filter)
              .append("direction", new BsonString("forward"));
      case IXSCAN -> {
        BsonDocument indexBounds = new BsonDocument();
        List<String> fields = new ArrayList<>(index.key().keySet());
        for (int i = 0; i < fields.size(); i++) {
          BsonArray shown = new BsonArray();
          if (i < bounds.size()) {
            bounds.get(i).forEach(b -> shown.add(new BsonString(b.describe())));
          } else {
            shown.add(new BsonString("[MinKey, MaxKey]"));
          }
          indexBounds.append(fields.get(i), shown);
        }
        BsonDocument ixscan =
            new BsonDocument("stage", new BsonString("IXSCAN"))
                .append("keyPattern", index.key())
                .append("indexName", new BsonString(index.name()))
                .append("isMultiKey", org.bson.BsonBoolean.valueOf(index.multikey()))
                .append("isUnique", org.bson.BsonBoolean.valueOf(index.unique()))
                .append("direction", new BsonString("forward"))
                .append("indexBounds", indexBounds);
        yield new BsonDocument("stage", new BsonString("FETCH"))
            .append("filter", filter)
            .append("inputStage", ixscan);
      }
    };
  }

  static BsonInt32 one() {
    return new BsonInt32(1);
  }
}
