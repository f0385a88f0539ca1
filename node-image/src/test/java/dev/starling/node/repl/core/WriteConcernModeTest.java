package dev.starling.node.repl.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class WriteConcernModeTest {
  private static final String MEMBERS =
      "members: [{_id: 0, host: 'a:1', tags: {dc: 'east', rack: 'r1'}},"
          + " {_id: 1, host: 'b:1', tags: {dc: 'east', rack: 'r2'}},"
          + " {_id: 2, host: 'c:1', tags: {dc: 'west', rack: 'r3'}}]";

  private static ReplSetConfig config(String modes) {
    return ReplSetConfig.parse(
        BsonDocument.parse(
            "{_id: 'rs', version: 1, "
                + MEMBERS
                + ", settings: {getLastErrorModes: "
                + modes
                + "}}"));
  }

  private static void rejected(String modes, int code, String messagePart) {
    assertThatThrownBy(() -> config(modes))
        .isInstanceOf(MongoServerException.class)
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  private static MemberConfig member(int id, String dc) {
    return new MemberConfig(id, "h" + id + ":1", 1, 1, false, 0, false, true, Map.of("dc", dc));
  }

  @Test
  void modesAreParsedAndShownByReplSetGetConfig() {
    ReplSetConfig c = config("{twoDCs: {dc: 2}, spread: {dc: 1, rack: 3}}");
    assertThat(c.writeConcernMode("twoDCs").orElseThrow().constraints()).isEqualTo(Map.of("dc", 2));
    assertThat(c.writeConcernMode("spread").orElseThrow().constraints())
        .containsExactly(Map.entry("dc", 1), Map.entry("rack", 3));
    assertThat(c.writeConcernMode("majority")).isEmpty();
    BsonDocument shown =
        c.toBsonDocument().getDocument("settings").getDocument("getLastErrorModes");
    assertThat(shown).isEqualTo(BsonDocument.parse("{twoDCs: {dc: 2}, spread: {dc: 1, rack: 3}}"));
    assertThat(ReplSetConfig.parse(c.toBsonDocument()).toBsonDocument())
        .isEqualTo(c.toBsonDocument());
  }

  @Test
  void badModesGetMongodsCodes() {
    rejected("{twoDCs: 2}", 14, "getLastErrorModes.twoDCs");
    rejected("{twoDCs: {dc: 'two'}}", 14, "to be a number");
    rejected("{twoDCs: {dc: 0}}", 2, "must be positive");
    rejected("{twoDCs: {dc: 0.5}}", 2, "must be positive, but found 0");
    rejected("{twoDCs: {region: 2}}", 4, "No replica set tag key region in config");
    rejected("[]", 14, "settings.getLastErrorModes");
  }

  @Test
  void aModeCountsDistinctTagValuesAmongTheAcknowledgingMembers() {
    WriteConcernMode twoDCs = new WriteConcernMode("twoDCs", Map.of("dc", 2));
    assertThat(twoDCs.isSatisfiedBy(List.of())).isFalse();
    assertThat(twoDCs.isSatisfiedBy(List.of(member(0, "east"), member(1, "east")))).isFalse();
    assertThat(twoDCs.isSatisfiedBy(List.of(member(0, "east"), member(2, "west")))).isTrue();
    MemberConfig untagged = MemberConfig.of(3, "d:1");
    assertThat(twoDCs.isSatisfiedBy(List.of(member(0, "east"), untagged))).isFalse();
  }

  @Test
  void everyConstraintOfAModeMustHold() {
    WriteConcernMode mode = new WriteConcernMode("m", Map.of("dc", 1, "rack", 2));
    MemberConfig r1 =
        new MemberConfig(0, "a:1", 1, 1, false, 0, false, true, Map.of("dc", "e", "rack", "1"));
    MemberConfig r2 = new MemberConfig(1, "b:1", 1, 1, false, 0, false, true, Map.of("rack", "2"));
    assertThat(mode.isSatisfiedBy(List.of(r1))).isFalse();
    assertThat(mode.isSatisfiedBy(List.of(r2))).isFalse();
    assertThat(mode.isSatisfiedBy(List.of(r1, r2))).isTrue();
  }
}
