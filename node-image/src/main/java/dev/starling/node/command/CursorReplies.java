package dev.starling.node.command;

import dev.starling.node.exec.Cursor;
import dev.starling.node.exec.CursorManager;
import dev.starling.node.exec.ResultBatches;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * Builds cursor replies ({@code cursor: {firstBatch|nextBatch, id, ns}}) and keeps unfinished
 * cursors open.
 */
public final class CursorReplies {
  /** mongod's default first batch size. */
  public static final int DEFAULT_FIRST_BATCH = 101;

  private CursorReplies() {}

  /** The first batch of {@code results}; opens a cursor for the rest unless singleBatch. */
  public static BsonDocument firstBatch(
      CursorManager cursors,
      String ns,
      Iterator<BsonDocument> results,
      int batchSize,
      boolean singleBatch) {
    ResultBatches batches = new ResultBatches(results);
    List<BsonDocument> batch = batchSize == 0 ? List.of() : batches.next(batchSize);
    // Most queries end in their first batch: only the others need a cursor.
    long id = !singleBatch && batches.hasMore() ? cursors.open(ns, batches).id() : 0;
    return reply("firstBatch", batch, id, ns);
  }

  /**
   * The first batch of a tailable cursor, which stays open at the end of its results. Tailable
   * cursors end only when killed or timed out.
   */
  public static BsonDocument firstBatchTailable(
      CursorManager cursors,
      String ns,
      Iterator<BsonDocument> results,
      int batchSize,
      Cursor.Tail tail) {
    ResultBatches batches = new ResultBatches(results);
    List<BsonDocument> batch = batchSize == 0 ? List.of() : batches.next(batchSize);
    long id = cursors.open(ns, batches, tail).id();
    return reply("firstBatch", batch, id, ns);
  }

  public static BsonDocument nextBatch(CursorManager cursors, Cursor cursor, int batchSize) {
    return nextBatch(cursors, cursor, batchSize, 0);
  }

  /**
   * The next batch; for a tailable awaitData cursor that has nothing new, waits up to {@code
   * maxAwaitMillis} first.
   */
  public static BsonDocument nextBatch(
      CursorManager cursors, Cursor cursor, int batchSize, long maxAwaitMillis) {
    List<BsonDocument> batch;
    try {
      batch = cursor.nextBatch(batchSize);
      if (batch.isEmpty() && cursor.tail() != null && maxAwaitMillis > 0) {
        cursor.tail().awaitMore(maxAwaitMillis);
        batch = cursor.nextBatch(batchSize);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cursors.close(cursor);
      throw new dev.starling.node.error.MongoServerException(
          dev.starling.node.error.ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, "interrupted");
    } catch (RuntimeException e) {
      // As mongod: a cursor whose getMore failed is dead.
      cursors.close(cursor);
      throw e;
    }
    long id = cursor.id();
    if (cursor.tail() == null && !cursor.hasMore()) {
      cursors.close(cursor);
      id = 0;
    }
    return reply("nextBatch", batch, id, cursor.ns());
  }

  private static BsonDocument reply(String field, List<BsonDocument> batch, long id, String ns) {
    return new BsonDocument(
        "cursor",
        new BsonDocument(field, new BsonArray(batch))
            .append("id", new BsonInt64(id))
            .append("ns", new BsonString(ns)));
  }

  /** A command's batchSize: {@code cursor.batchSize} or {@code batchSize}, else the default. */
  public static int batchSize(BsonDocument options, int otherwise) {
    long size = Args.number(options, "batchSize", otherwise);
    if (size < 0) {
      throw new dev.starling.node.error.MongoServerException(
          dev.starling.node.error.ErrorCode.BAD_VALUE,
          "BatchSize value must be non-negative, but received: " + size);
    }
    return (int) Math.min(size, Integer.MAX_VALUE);
  }
}
