package dev.starling.node.repl.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class ReplSetConfigTest {

  private static BsonDocument doc(String json) {
    return BsonDocument.parse(json);
  }

  private static void rejected(String json, int code, String messagePart) {
    assertThatThrownBy(() -> ReplSetConfig.parse(doc(json)))
        .isInstanceOf(MongoServerException.class)
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  private static String members(String... ms) {
    return "{_id: 'rs', version: 1, members: [" + String.join(",", ms) + "]}";
  }

  @Test
  void aMinimalConfigGetsMongodDefaultsInReplSetGetConfigOutput() {
    ReplSetConfig c = ReplSetConfig.parse(doc(members("{_id: 0, host: 'localhost'}")));
    BsonDocument out = c.toBsonDocument();
    assertThat(out.getString("_id").getValue()).isEqualTo("rs");
    assertThat(out.getInt64("protocolVersion").getValue()).isEqualTo(1);
    assertThat(out.getInt64("term").getValue()).isEqualTo(-1);
    BsonDocument m = out.getArray("members").get(0).asDocument();
    assertThat(m.getString("host").getValue()).isEqualTo("localhost:27017");
    assertThat(m.getDouble("priority").getValue()).isEqualTo(1.0);
    assertThat(m.getInt32("votes").getValue()).isEqualTo(1);
    assertThat(m.getBoolean("hidden").getValue()).isFalse();
    assertThat(m.getBoolean("arbiterOnly").getValue()).isFalse();
    assertThat(m.getBoolean("buildIndexes").getValue()).isTrue();
    assertThat(m.getInt64("secondaryDelaySecs").getValue()).isZero();
    assertThat(m.getDocument("tags")).isEmpty();
    BsonDocument s = out.getDocument("settings");
    assertThat(s.getBoolean("chainingAllowed").getValue()).isTrue();
    assertThat(s.getInt32("heartbeatIntervalMillis").getValue()).isEqualTo(2000);
    assertThat(s.getInt32("heartbeatTimeoutSecs").getValue()).isEqualTo(10);
    assertThat(s.getInt32("electionTimeoutMillis").getValue()).isEqualTo(10000);
    assertThat(s.getInt32("catchUpTimeoutMillis").getValue()).isEqualTo(-1);
    assertThat(ReplSetConfig.parse(out).toBsonDocument()).isEqualTo(out);
  }

  @Test
  void settingsAndMemberFieldsAreParsed() {
    ReplSetConfig c =
        ReplSetConfig.parse(
            doc(
                "{_id: 'rs', version: 3, term: 2, members: [{_id: 1, host: 'a:1', priority: 2,"
                    + " tags: {dc: 'east'}}, {_id: 2, host: 'b:1', priority: 0, hidden: true,"
                    + " secondaryDelaySecs: 60}, {_id: 3, host: 'c:1', arbiterOnly: true}],"
                    + " settings: {electionTimeoutMillis: 5000, chainingAllowed: false}}"));
    assertThat(c.version()).isEqualTo(3);
    assertThat(c.term()).isEqualTo(2);
    assertThat(c.electionTimeoutMillis()).isEqualTo(5000);
    assertThat(c.chainingAllowed()).isFalse();
    assertThat(c.members().get(0).tags()).containsEntry("dc", "east");
    assertThat(c.members().get(2).priority()).isZero();
    assertThat(c.majorityVoteCount()).isEqualTo(2);
    assertThat(c.writeMajority()).isEqualTo(2);
    assertThat(c.priorityTakeoverDelayMillis(1)).isEqualTo(5000);
    assertThat(c.priorityTakeoverDelayMillis(2)).isEqualTo(10000);
  }

  @Test
  void noMembersIsInvalid() {
    rejected(members(), 93, "must have at least 1 and no more than 50");
  }

  @Test
  void moreThanFiftyMembersIsInvalid() {
    String[] ms = new String[51];
    for (int i = 0; i < ms.length; i++) {
      ms[i] =
          "{_id: "
              + i
              + ", host: 'h"
              + i
              + ":1', votes: "
              + (i < 7 ? 1 : 0)
              + ", priority: "
              + (i < 7 ? 1 : 0)
              + "}";
    }
    rejected(members(ms), 93, "51 members");
  }

  @Test
  void moreThanSevenVotingMembersIsInvalid() {
    String[] ms = new String[8];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = "{_id: " + i + ", host: 'h" + i + ":1'}";
    }
    rejected(members(ms), 93, "8 voting members");
  }

  @Test
  void votesMustBeZeroOrOne() {
    rejected(members("{_id: 0, host: 'a:1', votes: 2}"), 93, "must be 0 or 1");
  }

  @Test
  void priorityMustBeBetweenZeroAndAThousand() {
    rejected(members("{_id: 0, host: 'a:1', priority: 1001}"), 93, "out of range");
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 1, host: 'b:1', priority: -1}"),
        93,
        "out of range");
  }

  @Test
  void aNonVoterMustHavePriorityZero() {
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 1, host: 'b:1', votes: 0}"),
        93,
        "priority must be 0 when non-voting");
  }

  @Test
  void aHiddenMemberMustHavePriorityZero() {
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 1, host: 'b:1', hidden: true}"),
        93,
        "priority must be 0 when hidden=true");
  }

  @Test
  void aDelayedMemberMustHavePriorityZero() {
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 1, host: 'b:1', secondaryDelaySecs: 10}"),
        93,
        "priority must be 0 when secondaryDelaySecs is used");
  }

  @Test
  void anArbiterMustHavePriorityZero() {
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 1, host: 'b:1', arbiterOnly: true, priority: 1}"),
        93,
        "priority must be 0 when arbiterOnly=true");
  }

  @Test
  void memberIdsMustBeUnique() {
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 0, host: 'b:1'}"),
        93,
        "same _id field, members.0._id == members.1._id == 0");
  }

  @Test
  void hostsMustBeUnique() {
    rejected(
        members("{_id: 0, host: 'a:1'}", "{_id: 1, host: 'a:1'}"),
        93,
        "same host field, members.0.host == members.1.host == a:1");
  }

  @Test
  void atLeastOneMemberMustBeElectable() {
    rejected(
        members("{_id: 0, host: 'a:1', priority: 0}", "{_id: 1, host: 'b:1', priority: 0}"),
        93,
        "priority > 0");
  }

  @Test
  void unknownFieldsAndMissingHostsAreInvalid() {
    rejected(members("{_id: 0, host: 'a:1', color: 'red'}"), 93, "Unexpected field color");
    rejected(members("{_id: 0}"), 93, "host");
    rejected("{_id: 'rs', members: [{_id: 0, host: 'a:1'}]}", 93, "version");
    rejected("{_id: 'rs', version: 0, members: [{_id: 0, host: 'a:1'}]}", 93, "out of range");
  }

  @Test
  void wrongTypesAreTypeMismatch() {
    rejected("{_id: 'rs', version: 1, members: {}}", 14, "members");
    rejected(members("{_id: 0, host: 5}"), 14, "host");
  }

  @Test
  void reconfigMustKeepTheNameAndRaiseTheVersion() {
    ReplSetConfig a = ReplSetConfig.parse(doc(members("{_id: 0, host: 'a:1'}")));
    ReplSetConfig renamed =
        ReplSetConfig.parse(doc("{_id: 'other', version: 2, members: [{_id: 0, host: 'a:1'}]}"));
    assertThatThrownBy(() -> ReplSetConfig.validateReconfig(a, renamed, false))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(103));
    assertThatThrownBy(() -> ReplSetConfig.validateReconfig(a, a, false))
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(103))
        .hasMessageContaining("version must be greater");
  }

  @Test
  void reconfigMayAddOrRemoveOnlyOneVoterAtATime() {
    ReplSetConfig a = ReplSetConfig.parse(doc(members("{_id: 0, host: 'a:1'}")));
    ReplSetConfig two =
        ReplSetConfig.parse(
            doc(
                "{_id: 'rs', version: 2, members: [{_id: 0, host: 'a:1'}, {_id: 1, host:"
                    + " 'b:1'}]}"));
    ReplSetConfig three =
        ReplSetConfig.parse(
            doc(
                "{_id: 'rs', version: 2, members: [{_id: 0, host: 'a:1'}, {_id: 1, host:"
                    + " 'b:1'}, {_id: 2, host: 'c:1'}]}"));
    ReplSetConfig.validateReconfig(a, two, false);
    assertThatThrownBy(() -> ReplSetConfig.validateReconfig(a, three, false))
        .hasMessageContaining("at most 1 voting member");
    ReplSetConfig.validateReconfig(a, three, true);
  }
}
