package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.ReplSetConfig;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class WriteConcernRequestTest {
  /** Three members over two data centres, and an arbiter that bears no data. */
  private static final ReplSetConfig CONFIG =
      ReplSetConfig.parse(
          BsonDocument.parse(
              "{_id: 'rs', version: 1, members: ["
                  + "{_id: 0, host: 'a:1', tags: {dc: 'east'}},"
                  + " {_id: 1, host: 'b:1', tags: {dc: 'east'}},"
                  + " {_id: 2, host: 'c:1', tags: {dc: 'west'}},"
                  + " {_id: 3, host: 'd:1', arbiterOnly: true}],"
                  + " settings: {getLastErrorModes: {twoDCs: {dc: 2}, threeDCs: {dc: 3}}}}"));

  private static WriteConcernRequest parse(String json) {
    return WriteConcernRequest.parse(BsonDocument.parse(json));
  }

  private static Integer codeOf(BsonDocument error) {
    return error == null ? null : error.getInt32("code").getValue();
  }

  @Test
  void readsEachFormOfW() {
    WriteConcernRequest majority = parse("{w: 'majority', j: true, wtimeout: 250}");
    assertThat(majority.majority()).isTrue();
    assertThat(majority.modeName()).isNull();
    assertThat(majority.journal()).isTrue();
    assertThat(majority.wtimeoutMillis()).isEqualTo(250);

    WriteConcernRequest three = parse("{w: 3}");
    assertThat(three.count()).isEqualTo(3);
    assertThat(three.journal()).isFalse();
    assertThat(three.wtimeoutMillis()).isZero();
    assertThat(three.satisfiedLocally()).isFalse();

    assertThat(parse("{w: 'twoDCs'}").modeName()).isEqualTo("twoDCs");
    assertThat(parse("{w: 1}").satisfiedLocally()).isTrue();
    assertThat(parse("{w: 0}").satisfiedLocally()).isTrue();
    assertThat(parse("{}").satisfiedLocally()).isTrue();
    assertThat(parse("{w: 'majority'}").satisfiedLocally()).isFalse();
  }

  @Test
  void refusesAtOnceWhatTheSetCanNeverSatisfy() {
    assertThat(codeOf(parse("{w: 'nowhere'}").unsatisfiable(CONFIG))).isEqualTo(79);
    assertThat(codeOf(parse("{w: 'threeDCs'}").unsatisfiable(CONFIG))).isEqualTo(100);
    // The arbiter does not count: three members bear data.
    assertThat(codeOf(parse("{w: 4}").unsatisfiable(CONFIG))).isEqualTo(100);

    assertThat(parse("{w: 3}").unsatisfiable(CONFIG)).isNull();
    assertThat(parse("{w: 'twoDCs'}").unsatisfiable(CONFIG)).isNull();
    assertThat(parse("{w: 'majority'}").unsatisfiable(CONFIG)).isNull();
  }

  @Test
  void withoutAConfigOnlyAnUnknownModeFails() {
    assertThat(codeOf(parse("{w: 'twoDCs'}").unsatisfiable(null))).isEqualTo(79);
    assertThat(parse("{w: 5}").unsatisfiable(null)).isNull();
  }

  @Test
  void aTimeoutCarriesTheConcernInErrInfo() {
    BsonDocument error = parse("{w: 3, wtimeout: 10}").timedOut();
    assertThat(error.getInt32("code").getValue()).isEqualTo(64);
    assertThat(error.getString("codeName").getValue()).isEqualTo("WriteConcernFailed");
    assertThat(error.getDocument("errInfo").getBoolean("wtimeout").getValue()).isTrue();
    assertThat(error.getDocument("errInfo").getDocument("writeConcern"))
        .isEqualTo(BsonDocument.parse("{w: 3, wtimeout: 10}"));
  }
}
