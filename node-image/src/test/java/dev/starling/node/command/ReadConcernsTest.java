package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.starling.node.command.ReadConcerns.Level;
import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** readConcern as mongod 6.0 parses it: levels, the combinations it forbids, their errors. */
class ReadConcernsTest {
  private static ReadConcerns.Args parse(String readConcern) {
    return ReadConcerns.parse(BsonDocument.parse("{find: 'c', readConcern: " + readConcern + "}"));
  }

  private static MongoServerException refusal(String readConcern) {
    return catchThrowableOfType(MongoServerException.class, () -> parse(readConcern));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{level: 'local'}|LOCAL",
        "{level: 'available'}|AVAILABLE",
        "{level: 'majority'}|MAJORITY",
        "{level: 'linearizable'}|LINEARIZABLE",
        "{}|LOCAL",
        "null|LOCAL",
        "{level: 'linearizable', provenance: 'clientSupplied'}|LINEARIZABLE"
      })
  void theLevelsThisNodeServes(String readConcern, Level level) {
    assertThat(parse(readConcern).level()).isEqualTo(level);
  }

  @Test
  void noReadConcernIsLocal() {
    ReadConcerns.Args args = ReadConcerns.parse(BsonDocument.parse("{find: 'c'}"));
    assertThat(args.level()).isEqualTo(Level.LOCAL);
    assertThat(args.linearizable()).isFalse();
    assertThat(args.afterClusterTime()).isNull();
  }

  @Test
  void linearizableAndMajorityAreTold() {
    assertThat(parse("{level: 'linearizable'}").linearizable()).isTrue();
    assertThat(parse("{level: 'linearizable'}").majority()).isFalse();
    assertThat(parse("{level: 'majority'}").majority()).isTrue();
    assertThat(parse("{level: 'majority'}").linearizable()).isFalse();
  }

  @Test
  void afterClusterTimeIsKeptForLocalAndMajority() {
    BsonTimestamp ts = new BsonTimestamp(5, 1);
    assertThat(parse("{afterClusterTime: Timestamp(5, 1)}").afterClusterTime()).isEqualTo(ts);
    ReadConcerns.Args majority = parse("{level: 'majority', afterClusterTime: Timestamp(5, 1)}");
    assertThat(majority.afterClusterTime()).isEqualTo(ts);
    assertThat(majority.majority()).isTrue();
  }

  @Test
  void snapshotReadsAtTheNodesChoiceOrAtClusterTime() {
    ReadConcerns.Args chosen = parse("{level: 'snapshot'}");
    assertThat(chosen.snapshot()).isTrue();
    assertThat(chosen.majorityCommitted()).isTrue();
    assertThat(chosen.majority()).isFalse();
    assertThat(chosen.atClusterTime()).isNull();
    assertThat(parse("{level: 'snapshot', atClusterTime: Timestamp(5, 1)}").atClusterTime())
        .isEqualTo(new BsonTimestamp(5, 1));
    // A causally consistent snapshot read waits for afterClusterTime, then reads at the node's
    // choice.
    assertThat(parse("{level: 'snapshot', afterClusterTime: Timestamp(5, 1)}").afterClusterTime())
        .isEqualTo(new BsonTimestamp(5, 1));
    MongoServerException nullTime = refusal("{level: 'snapshot', atClusterTime: Timestamp(0, 0)}");
    assertThat(nullTime.error().code()).isEqualTo(72);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // afterClusterTime: linearizable reads are causally consistent already
        "{level: 'linearizable', afterClusterTime: Timestamp(5, 1)}|72|afterClusterTime field can"
            + " be set only if level is equal to majority, local, or snapshot",
        "{level: 'available', afterClusterTime: Timestamp(5, 1)}|72|afterClusterTime field can be"
            + " set only if level is equal to majority, local, or snapshot",
        // atClusterTime belongs to snapshot reads
        "{level: 'linearizable', atClusterTime: Timestamp(5, 1)}|72|atClusterTime field can be set"
            + " only if level is equal to snapshot",
        "{atClusterTime: Timestamp(5, 1)}|72|atClusterTime field can be set only if level is equal"
            + " to snapshot",
        // afterOpTime (internal) is refused by mongod's waitForReadConcern with 9
        "{level: 'linearizable', afterOpTime: {ts: Timestamp(5, 1), t:"
            + " NumberLong(1)}}|9|afterOpTime not compatible with linearizable read concern",
        "{afterClusterTime: Timestamp(5, 1), afterOpTime: {ts: Timestamp(5, 1), t:"
            + " NumberLong(1)}}|72|Can not specify both afterClusterTime and afterOpTime",
        "{afterClusterTime: Timestamp(5, 1), atClusterTime: Timestamp(5, 1)}|72|Specifying a"
            + " timestamp for readConcern snapshot in a causally consistent session is not allowed."
            + " See https://docs.mongodb.com/manual/core/read-isolation-consistency-recency/#causal-consistency",
        "{afterClusterTime: Timestamp(0, 0)}|72|afterClusterTime cannot be a null timestamp",
        "{level: 'linearizable', afterClusterTime: 'x'}|14|BSON field"
            + " 'readConcern.afterClusterTime' is the wrong type 'string', expected type"
            + " 'timestamp'",
        "{atClusterTime: 1}|14|BSON field 'readConcern.atClusterTime' is the wrong type 'int',"
            + " expected type 'timestamp'",
        "{level: 'linearizable', foo: 1}|72|Unrecognized option in readConcern: foo",
        "{level: 'Linearizable'}|9|readConcern.level must be either 'local', 'majority',"
            + " 'linearizable', 'available', or 'snapshot'",
        "{level: 1}|14|readConcern.level must be a string",
        "'linearizable'|9|readConcern field should be an object"
      })
  void refusedAsMongodRefusesThem(String readConcern, int code, String message) {
    MongoServerException e = refusal(readConcern);
    assertThat(e).as(readConcern).isNotNull();
    assertThat(e.error().code()).as(readConcern).isEqualTo(code);
    assertThat(e.getMessage()).isEqualTo(message);
  }

  @Test
  void aLevelThatDoesNotWaitKeepsNoAfterClusterTimeItWasNotGiven() {
    assertThat(parse("{level: 'linearizable'}").afterClusterTime()).isNull();
    assertThat(parse("{level: 'linearizable', $_allowTransactionTableSnapshot: true}").level())
        .isEqualTo(Level.LINEARIZABLE);
  }
}
