package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** The parsing rules of $out and $merge, with mongod 6.0's error codes. */
class WriteStageTest {
  private static Pipeline compile(String pipeline) {
    return Pipeline.compile(BsonArray.parse(pipeline));
  }

  private static WriteStage stage(String pipeline) {
    return compile(pipeline).writeStage();
  }

  private static int code(String pipeline) {
    try {
      compile(pipeline);
    } catch (MongoServerException e) {
      return e.code();
    }
    throw new AssertionError("no error for " + pipeline);
  }

  @Test
  void outTakesAStringOrADbAndCollObject() {
    assertThat(stage("[{$match: {}}, {$out: 'target'}]"))
        .isEqualTo(new WriteStage.Out(null, "target"));
    assertThat(stage("[{$out: {db: 'other', coll: 'target'}}]"))
        .isEqualTo(new WriteStage.Out("other", "target"));
    assertThat(code("[{$out: 1}]")).isEqualTo(16990);
    assertThat(code("[{$out: {coll: 'target'}}]")).isEqualTo(16994);
    assertThat(code("[{$out: {db: 'd', coll: 'c', x: 1}}]")).isEqualTo(16994);
    assertThat(code("[{$out: {db: 'd', coll: 1}}]")).isEqualTo(13111);
  }

  @Test
  void aWriteStageOnlyEndsAPipeline() {
    assertThat(code("[{$out: 'a'}, {$match: {}}]")).isEqualTo(40601);
    assertThat(code("[{$merge: 'a'}, {$match: {}}]")).isEqualTo(40601);
    assertThat(code("[{$out: 'a'}, {$out: 'b'}]")).isEqualTo(40601);
    assertThatThrownBy(() -> compile("[{$merge: 'a'}, {$limit: 1}]"))
        .hasMessage("$merge can only be the final stage in the pipeline");
    // mongod parses every stage before it checks where the stages are.
    assertThat(code("[{$out: 'a'}, {$nope: 1}]")).isEqualTo(40324);
  }

  @Test
  void aPipelineWithoutOneHasNone() {
    assertThat(stage("[{$match: {}}]")).isNull();
    assertThat(Pipeline.endsInWriteStage(BsonArray.parse("[{$match: {}}]"))).isFalse();
    assertThat(Pipeline.endsInWriteStage(BsonArray.parse("[{$match: {}}, {$out: 'x'}]"))).isTrue();
    assertThat(Pipeline.endsInWriteStage(BsonArray.parse("[{$merge: 'x'}]"))).isTrue();
    assertThat(Pipeline.endsInWriteStage(BsonArray.parse("[]"))).isFalse();
    assertThat(Pipeline.endsInWriteStage(BsonDocument.parse("{a: 1}"))).isFalse();
  }

  @Test
  void mergeDefaultsToOnIdMergeInsert() {
    WriteStage.Merge expected =
        new WriteStage.Merge(
            null,
            "t",
            List.of("_id"),
            WriteStage.WhenMatched.MERGE,
            WriteStage.WhenNotMatched.INSERT,
            null,
            null);
    assertThat(stage("[{$merge: 't'}]")).isEqualTo(expected);
    assertThat(stage("[{$merge: {into: 't'}}]")).isEqualTo(expected);
    assertThat(((WriteStage.Merge) stage("[{$merge: {into: 't'}}]")).onIdOnly()).isTrue();
  }

  @Test
  void mergeReadsEveryField() {
    WriteStage.Merge merge =
        (WriteStage.Merge)
            stage(
                "[{$merge: {into: {db: 'd', coll: 't'}, on: ['a', 'b.c'], whenMatched:"
                    + " 'replace', whenNotMatched: 'discard'}}]");
    assertThat(merge.db()).isEqualTo("d");
    assertThat(merge.coll()).isEqualTo("t");
    assertThat(merge.on()).containsExactly("a", "b.c");
    assertThat(merge.onIdOnly()).isFalse();
    assertThat(merge.whenMatched()).isEqualTo(WriteStage.WhenMatched.REPLACE);
    assertThat(merge.whenNotMatched()).isEqualTo(WriteStage.WhenNotMatched.DISCARD);

    WriteStage.Merge pipeline =
        (WriteStage.Merge)
            stage("[{$merge: {into: 't', on: 'a', whenMatched: [{$set: {x: 1}}], let: {v: 1}}}]");
    assertThat(pipeline.whenMatched()).isEqualTo(WriteStage.WhenMatched.PIPELINE);
    assertThat(pipeline.pipeline()).hasSize(1);
    assertThat(pipeline.let()).isEqualTo(BsonDocument.parse("{v: 1}"));
    assertThat(pipeline.on()).containsExactly("a");
  }

  @Test
  void mergeRefusesMalformedSpecifications() {
    assertThat(code("[{$merge: 1}]")).isEqualTo(51182);
    assertThat(code("[{$merge: ''}]")).isEqualTo(5786800);
    assertThat(code("[{$merge: {}}]")).isEqualTo(40414);
    assertThat(code("[{$merge: {into: 't', nope: 1}}]")).isEqualTo(40415);
    assertThat(code("[{$merge: {into: 1}}]")).isEqualTo(51178);
    assertThat(code("[{$merge: {into: {db: 'd'}}}]")).isEqualTo(5786801);
    assertThat(code("[{$merge: {into: 't', on: 1}}]")).isEqualTo(51186);
    assertThat(code("[{$merge: {into: 't', on: [1]}}]")).isEqualTo(51134);
    assertThat(code("[{$merge: {into: 't', on: []}}]")).isEqualTo(51187);
    assertThat(code("[{$merge: {into: 't', on: ['a', 'a']}}]")).isEqualTo(31465);
    assertThat(code("[{$merge: {into: 't', on: '$a'}}]")).isEqualTo(16410);
    assertThat(code("[{$merge: {into: 't', whenMatched: 1}}]")).isEqualTo(51191);
    assertThat(code("[{$merge: {into: 't', whenMatched: 'nope'}}]")).isEqualTo(2);
    assertThat(code("[{$merge: {into: 't', whenMatched: 'pipeline'}}]")).isEqualTo(2);
    assertThat(code("[{$merge: {into: 't', whenNotMatched: 'nope'}}]")).isEqualTo(2);
    assertThat(code("[{$merge: {into: 't', whenNotMatched: 1}}]")).isEqualTo(14);
    assertThat(code("[{$merge: {into: 't', let: 1, whenMatched: [] }}]")).isEqualTo(14);
  }

  @Test
  void onlyMongodsModeCombinationsAreAccepted() {
    for (String matched : new String[] {"replace", "merge", "keepExisting", "fail"}) {
      for (String notMatched : new String[] {"insert", "discard", "fail"}) {
        String pipeline =
            "[{$merge: {into: 't', whenMatched: '"
                + matched
                + "', whenNotMatched: '"
                + notMatched
                + "'}}]";
        boolean supported =
            matched.equals("replace") || matched.equals("merge") || notMatched.equals("insert");
        if (supported) {
          assertThat(stage(pipeline)).as(pipeline).isNotNull();
        } else {
          assertThat(code(pipeline)).as(pipeline).isEqualTo(51181);
          assertThatThrownBy(() -> compile(pipeline))
              .hasMessage(
                  "Combination of $merge modes 'whenMatched: "
                      + matched
                      + "' and 'whenNotMatched: "
                      + notMatched
                      + "' is not supported");
        }
      }
    }
    for (String notMatched : new String[] {"insert", "discard", "fail"}) {
      assertThat(
              stage(
                  "[{$merge: {into: 't', whenMatched: [], whenNotMatched: '" + notMatched + "'}}]"))
          .isNotNull();
    }
  }

  @Test
  void letGoesOnlyWithAPipeline() {
    assertThat(code("[{$merge: {into: 't', whenMatched: 'replace', let: {a: 1}}}]"))
        .isEqualTo(51199);
    assertThat(code("[{$merge: {into: 't', let: {a: 1}}}]")).isEqualTo(51199);
    assertThat(code("[{$merge: {into: 't', whenMatched: [], let: {new: 1}}}]")).isEqualTo(51273);
    assertThat(stage("[{$merge: {into: 't', whenMatched: [], let: {new: '$$ROOT'}}}]")).isNotNull();
  }
}
