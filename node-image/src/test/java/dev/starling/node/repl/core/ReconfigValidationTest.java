package dev.starling.node.repl.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** replSetReconfig's config rules: which code mongod gives, newlyAdded marks, the implicit WC. */
class ReconfigValidationTest {
  private static final String A = "{_id: 0, host: 'a:1'}";
  private static final String B = "{_id: 1, host: 'b:1'}";
  private static final String C = "{_id: 2, host: 'c:1'}";

  private static ReplSetConfig config(int version, String... members) {
    return ReplSetConfig.parse(
        BsonDocument.parse(
            "{_id: 'rs', version: " + version + ", members: [" + String.join(",", members) + "]}"));
  }

  private static ReplSetConfig requested(int version, String... members) {
    return ReplSetConfig.parseForReconfig(
        BsonDocument.parse(
            "{_id: 'rs', version: " + version + ", members: [" + String.join(",", members) + "]}"));
  }

  private static void refused(Runnable r, int code, String messagePart) {
    assertThatThrownBy(r::run)
        .isInstanceOf(MongoServerException.class)
        .satisfies(e -> assertThat(((MongoServerException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  @Test
  void aBadMemberIsRefusedWhileParsingWith93() {
    refused(() -> requested(2, A, "{_id: 1, host: 'b:1', votes: 2}"), 93, "votes");
    refused(() -> requested(2, A, "{_id: 1, host: 'b:1', priority: 1001}"), 93, "priority");
    refused(() -> requested(2, A, "{_id: 1, host: 'b:1', hidden: true}"), 93, "hidden=true");
    refused(
        () -> requested(2, A, "{_id: 1, host: 'b:1', secondaryDelaySecs: 5}"),
        93,
        "secondaryDelaySecs");
    refused(() -> requested(2, A, "{_id: 1, host: 'b:1', votes: 0}"), 93, "non-voting");
    refused(
        () -> requested(2, A, "{_id: 1, host: 'b:1', newlyAdded: true}"),
        93,
        "Cannot provide newlyAdded");
  }

  @Test
  void aBadSetIsRefusedByReconfigValidationWith103() {
    ReplSetConfig current = config(1, A, B, C);
    refused(
        () ->
            ReplSetConfig.validateReconfig(
                current, requested(2, A, B, C.replace("2,", "1,")), false),
        103,
        "same _id");
    refused(
        () ->
            ReplSetConfig.validateReconfig(
                current, requested(2, A, B, "{_id: 2, host: 'a:1'}"), false),
        103,
        "same host");
    refused(
        () ->
            ReplSetConfig.validateReconfig(
                current,
                requested(
                    2, "{_id: 0, host: 'a:1', priority: 0}", "{_id: 1, host: 'b:1', priority: 0}"),
                false),
        103,
        "priority > 0");
  }

  @Test
  void replicaSetIdBuildIndexesAndAHostsIdMayNotChange() {
    ReplSetConfig current = config(1, A, B, C).withReplicaSetId(new ObjectId());
    refused(
        () ->
            ReplSetConfig.validateReconfig(
                current, requested(2, A, B, C).withReplicaSetId(new ObjectId()), false),
        103,
        "replica set ID");
    ReplSetConfig noIndexes =
        config(1, A, B, "{_id: 2, host: 'c:1', priority: 0, buildIndexes: false}");
    refused(
        () ->
            ReplSetConfig.validateReconfig(
                noIndexes, requested(2, A, B, "{_id: 2, host: 'c:1', priority: 0}"), false),
        103,
        "buildIndexes");
    refused(
        () ->
            ReplSetConfig.validateReconfig(
                current, requested(2, A, B, "{_id: 3, host: 'c:1'}"), true),
        103,
        "both have members with host of c:1");
  }

  @Test
  void newVotingMembersAreMarkedNewlyAddedSoTwoMayBeAddedAtOnce() {
    ReplSetConfig current = config(1, A);
    ReplSetConfig next = requested(2, A, B, C).withNewlyAddedMarks(current);
    assertThat(next.findMemberById(0).get().newlyAdded()).isFalse();
    assertThat(next.findMemberById(1).get().newlyAdded()).isTrue();
    assertThat(next.findMemberById(2).get().newlyAdded()).isTrue();
    ReplSetConfig.validateReconfig(current, next, false);
    assertThat(next.votingMemberCount()).isEqualTo(1);
    assertThat(next.majorityVoteCount()).isEqualTo(1);
    assertThat(next.writeMajority()).isEqualTo(1);
  }

  @Test
  void givingTwoExistingMembersAVoteAtOnceIsRefused() {
    ReplSetConfig current =
        config(
            1,
            A,
            "{_id: 1, host: 'b:1', votes: 0, priority: 0}",
            "{_id: 2, host: 'c:1', votes: 0, priority: 0}");
    ReplSetConfig next = requested(2, A, B, C).withNewlyAddedMarks(current);
    refused(
        () -> ReplSetConfig.validateReconfig(current, next, false), 103, "at most 1 voting member");
    ReplSetConfig.validateReconfig(current, next, true);
  }

  @Test
  void removingTwoVotersAtOnceIsRefused() {
    ReplSetConfig current = config(1, A, B, C);
    refused(
        () -> ReplSetConfig.validateReconfig(current, requested(2, A), false),
        103,
        "at most 1 voting member");
  }

  @Test
  void aMarkStaysUntilClearedAndShowsOnlyWhenAskedFor() {
    ReplSetConfig current = config(1, A, B);
    ReplSetConfig marked = requested(2, A, B, C).withNewlyAddedMarks(current);
    ReplSetConfig again = requested(3, A, B, C).withNewlyAddedMarks(marked);
    assertThat(again.findMemberById(2).get().newlyAdded()).isTrue();
    BsonDocument shown = again.toBsonDocument(false).getArray("members").get(2).asDocument();
    assertThat(shown.containsKey("newlyAdded")).isFalse();
    BsonDocument stored = again.toBsonDocument().getArray("members").get(2).asDocument();
    assertThat(stored.getBoolean("newlyAdded").getValue()).isTrue();
    assertThat(ReplSetConfig.parse(again.toBsonDocument()).findMemberById(2).get().newlyAdded())
        .isTrue();
    ReplSetConfig cleared = again.withNewlyAddedCleared(2);
    assertThat(cleared.version()).isEqualTo(4);
    assertThat(cleared.findMemberById(2).get().newlyAdded()).isFalse();
    assertThat(cleared.votingMemberCount()).isEqualTo(3);
    ReplSetConfig.validateReconfig(again, cleared, false);
  }

  @Test
  void aNewArbiterOrNonVoterIsNotMarked() {
    ReplSetConfig current = config(1, A, B);
    ReplSetConfig next =
        requested(2, A, B, "{_id: 2, host: 'c:1', arbiterOnly: true}").withNewlyAddedMarks(current);
    assertThat(next.findMemberById(2).get().newlyAdded()).isFalse();
    next =
        requested(2, A, B, "{_id: 2, host: 'c:1', votes: 0, priority: 0}")
            .withNewlyAddedMarks(current);
    assertThat(next.findMemberById(2).get().newlyAdded()).isFalse();
  }

  @Test
  void theImplicitDefaultWriteConcernFollowsMongodsArbiterRule() {
    String arb = "{_id: 3, host: 'd:1', arbiterOnly: true}";
    assertThat(config(1, A, B, C).isImplicitDefaultWriteConcernMajority()).isTrue();
    // P-S-A: 2 data-bearing voters, majority of 3 voters is 2: w:1.
    assertThat(config(1, A, B, arb).isImplicitDefaultWriteConcernMajority()).isFalse();
    // 4 data-bearing + 1 arbiter: majority of 5 is 3 < 4: majority.
    assertThat(
            config(1, A, B, C, "{_id: 4, host: 'e:1'}", arb)
                .isImplicitDefaultWriteConcernMajority())
        .isTrue();
  }

  @Test
  void changingTheImplicitDefaultNeedsAClusterWideDefault() {
    ReplSetConfig pss = config(1, A, B);
    ReplSetConfig psa = config(2, A, B, "{_id: 3, host: 'd:1', arbiterOnly: true}");
    refused(
        () -> ReconfigRules.requireSameImplicitWriteConcern(pss, psa, false),
        103,
        "would change the implicit default write concern");
    ReconfigRules.requireSameImplicitWriteConcern(pss, psa, true);
    ReconfigRules.requireSameImplicitWriteConcern(pss, config(2, A, B, C), false);
  }
}
