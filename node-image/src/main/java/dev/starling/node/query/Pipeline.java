package dev.starling.node.query;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A compiled aggregation pipeline. Documents stream through the stages lazily, so a $limit stops
 * pulling input once it has enough; $sort and $group gather their whole input first.
 */
public final class Pipeline {
  private final List<Stage> stages;
  private final BsonDocument leadingMatch;
  private final WriteStage writeStage;

  /** One stage: turns a stream of documents into another. */
  @FunctionalInterface
  interface Stage {
    Iterator<BsonDocument> apply(Iterator<BsonDocument> input);
  }

  private Pipeline(List<Stage> stages, BsonDocument leadingMatch, WriteStage writeStage) {
    this.stages = stages;
    this.leadingMatch = leadingMatch;
    this.writeStage = writeStage;
  }

  /**
   * Compiles the stages, failing with mongod's errors for unknown or malformed stages. A final
   * {@code $out} or {@code $merge} is parsed into {@link #writeStage()}, not compiled into the
   * stream: whoever runs the pipeline writes its results. Anywhere else it is mongod's 40601.
   */
  public static Pipeline compile(BsonArray stages) {
    List<Stage> compiled = new ArrayList<>();
    BsonDocument leadingMatch = null;
    WriteStage writeStage = null;
    String misplaced = null;
    for (int i = 0; i < stages.size(); i++) {
      BsonValue s = stages.get(i);
      if (!s.isDocument()) {
        throw MongoServerException.typeMismatch(
            "Each element of the 'pipeline' array must be an object");
      }
      BsonDocument stage = s.asDocument();
      if (stage.size() != 1) {
        throw new MongoServerException(
            ErrorCode.LOCATION_40323,
            "A pipeline stage specification object must contain exactly one field.");
      }
      String name = stage.getFirstKey();
      BsonValue spec = stage.get(name);
      if (i == 0 && name.equals("$match") && spec.isDocument()) {
        leadingMatch = spec.asDocument();
      }
      if (WriteStage.isWriteStage(name)) {
        // mongod parses every stage before it checks positions.
        writeStage = WriteStage.parse(name, spec);
        if (i != stages.size() - 1 && misplaced == null) {
          misplaced = name;
        }
        continue;
      }
      compiled.add(Stages.compile(name, spec));
    }
    if (misplaced != null) {
      throw new MongoServerException(
          ErrorCode.location(40601), misplaced + " can only be the final stage in the pipeline");
    }
    return new Pipeline(List.copyOf(compiled), leadingMatch, writeStage);
  }

  /**
   * Whether the last stage of {@code stages} is {@code $out} or {@code $merge}, read without
   * compiling anything: an aggregate that ends in one is a write.
   */
  public static boolean endsInWriteStage(BsonValue stages) {
    if (!(stages instanceof BsonArray array) || array.isEmpty()) {
      return false;
    }
    return array.get(array.size() - 1) instanceof BsonDocument last
        && last.size() == 1
        && WriteStage.isWriteStage(last.getFirstKey());
  }

  /** The final {@code $out} or {@code $merge}, or null. */
  public WriteStage writeStage() {
    return writeStage;
  }

  /**
   * The filter of a leading $match stage, or null: a storage planner may use an index for it. The
   * pipeline still applies the $match itself.
   */
  public BsonDocument leadingMatchFilter() {
    return leadingMatch;
  }

  /** Runs the pipeline lazily: input is pulled only as the result is consumed. */
  public Iterator<BsonDocument> stream(Iterator<BsonDocument> input) {
    Iterator<BsonDocument> it = input;
    for (Stage s : stages) {
      it = s.apply(it);
    }
    return it;
  }

  /** Runs the pipeline to completion. */
  public List<BsonDocument> run(Iterator<BsonDocument> input) {
    List<BsonDocument> out = new ArrayList<>();
    stream(input).forEachRemaining(out::add);
    return out;
  }
}
