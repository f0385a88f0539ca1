package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoCommandException;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * $out and $merge on a real three-member replica set, through the Java driver: what they write on
 * the primary reaches the secondaries through the oplog, and a secondary refuses them.
 */
class OutMergeIT {
  private static final long ELECTION_TIMEOUT = 2000;
  private static ReplicaSetCluster rs;
  private static MongoClient client;
  private static MongoDatabase db;

  @BeforeAll
  static void start() {
    rs = ReplicaSetCluster.startInitiated("outmerge", 3, ELECTION_TIMEOUT);
    rs.awaitPrimary();
    rs.awaitSecondaries(2);
    client = rs.client("w=majority");
    db = client.getDatabase("om");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (rs != null) {
      rs.close();
    }
  }

  private static List<Document> contents(MongoDatabase database, String coll) {
    return database.getCollection(coll).find().sort(new Document("_id", 1)).into(new ArrayList<>());
  }

  private static List<String> indexNames(MongoDatabase database, String coll) {
    List<String> names = new ArrayList<>();
    database.getCollection(coll).listIndexes().forEach(ix -> names.add(ix.getString("name")));
    return names.stream().sorted().toList();
  }

  private static List<String> collectionNames(MongoDatabase database) {
    return database.listCollectionNames().into(new ArrayList<>()).stream().sorted().toList();
  }

  private static MongoDatabase onMember(int member) {
    return rs.direct(member)
        .getDatabase("om")
        .withReadPreference(ReadPreference.primaryPreferred());
  }

  /** Every member ends with the primary's data: the same dbHash, and the same contents of coll. */
  private static void awaitReplicated(String coll) {
    int primary = rs.awaitPrimary();
    List<Document> expected = contents(onMember(primary), coll);
    List<String> expectedIndexes = indexNames(onMember(primary), coll);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String hash = rs.dbHash(primary, "om");
              for (int m : rs.others(primary)) {
                assertThat(contents(onMember(m), coll)).as("member %d", m).isEqualTo(expected);
                assertThat(indexNames(onMember(m), coll))
                    .as("member %d", m)
                    .isEqualTo(expectedIndexes);
                assertThat(rs.dbHash(m, "om")).as("member %d", m).isEqualTo(hash);
              }
            });
  }

  private static Document doc(Object id, String k, int v) {
    return new Document("_id", id).append("k", k).append("v", v);
  }

  @Test
  void outReplacesTheTargetKeepingItsIndexesAndTheSecondariesFollow() {
    MongoCollection<Document> src = db.getCollection("out_src");
    src.insertMany(List.of(doc(1, "a", 1), doc(2, "b", 2), doc(3, "c", 3)));
    MongoCollection<Document> dst = db.getCollection("out_dst");
    dst.insertMany(List.of(doc(100, "old", 0), doc(101, "older", 0)));
    dst.createIndex(new Document("k", 1), new IndexOptions().unique(true).name("k_unique"));
    awaitReplicated("out_dst");

    List<Bson> pipeline =
        List.of(
            new Document("$match", new Document("v", new Document("$gte", 2))),
            new Document("$out", "out_dst"));
    src.aggregate(pipeline).toCollection();

    assertThat(contents(db, "out_dst")).containsExactly(doc(2, "b", 2), doc(3, "c", 3));
    assertThat(indexNames(db, "out_dst")).containsExactly("_id_", "k_unique");
    awaitReplicated("out_dst");
    for (int m = 0; m < 3; m++) {
      assertThat(collectionNames(onMember(m)))
          .as("member %d", m)
          .noneMatch(name -> name.startsWith("tmp.agg_out"));
    }

    // A result the kept unique index refuses fails the $out: the target is as it was.
    List<Bson> clash =
        List.of(new Document("$set", new Document("k", "same")), new Document("$out", "out_dst"));
    assertThat(failure(src, clash).getErrorCode()).isEqualTo(11000);
    assertThat(contents(db, "out_dst")).containsExactly(doc(2, "b", 2), doc(3, "c", 3));
    awaitReplicated("out_dst");
    for (int m = 0; m < 3; m++) {
      assertThat(collectionNames(onMember(m)))
          .as("member %d", m)
          .noneMatch(name -> name.startsWith("tmp.agg_out"));
    }
  }

  @Test
  void mergeModesWriteAsMongodAndTheSecondariesFollow() {
    MongoCollection<Document> src = db.getCollection("merge_src");
    src.insertMany(List.of(doc(1, "a", 1), doc(2, "b", 2), doc(3, "c", 3)));
    List<Document> seed = List.of(new Document("_id", 1).append("k", "old").append("x", true));

    // merge + insert (the defaults): fields of matched documents set, new ones inserted.
    db.getCollection("m_merge").insertMany(seed);
    src.aggregate(List.of(new Document("$merge", "m_merge"))).toCollection();
    assertThat(contents(db, "m_merge"))
        .containsExactly(
            new Document("_id", 1).append("k", "a").append("x", true).append("v", 1),
            doc(2, "b", 2),
            doc(3, "c", 3));
    awaitReplicated("m_merge");

    // replace + discard: matched documents replaced, the others dropped.
    db.getCollection("m_replace").insertMany(seed);
    src.aggregate(
            List.of(
                new Document(
                    "$merge",
                    new Document("into", "m_replace")
                        .append("whenMatched", "replace")
                        .append("whenNotMatched", "discard"))))
        .toCollection();
    assertThat(contents(db, "m_replace")).containsExactly(doc(1, "a", 1));
    awaitReplicated("m_replace");

    // keepExisting + insert, into another database.
    MongoDatabase other = client.getDatabase("om_other");
    other.getCollection("m_keep").insertMany(seed);
    src.aggregate(
            List.of(
                new Document(
                    "$merge",
                    new Document("into", new Document("db", "om_other").append("coll", "m_keep"))
                        .append("whenMatched", "keepExisting"))))
        .toCollection();
    assertThat(contents(other, "m_keep"))
        .containsExactly(seed.get(0), doc(2, "b", 2), doc(3, "c", 3));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (int m = 0; m < 3; m++) {
                assertThat(
                        rs.direct(m)
                            .getDatabase("om_other")
                            .withReadPreference(ReadPreference.primaryPreferred())
                            .getCollection("m_keep")
                            .countDocuments())
                    .isEqualTo(3);
              }
            });

    // fail + insert: the duplicate fails the aggregate with 11000; the rest of its batch (mongod's
    // batches are unordered) is inserted and stays.
    db.getCollection("m_fail").insertOne(new Document("_id", 2).append("k", "taken"));
    assertThat(
            failure(
                    src,
                    List.of(
                        new Document(
                            "$merge",
                            new Document("into", "m_fail").append("whenMatched", "fail"))))
                .getErrorCode())
        .isEqualTo(11000);
    assertThat(contents(db, "m_fail"))
        .containsExactly(
            doc(1, "a", 1), new Document("_id", 2).append("k", "taken"), doc(3, "c", 3));
    awaitReplicated("m_fail");

    // merge + fail: 13113 MergeStageNoMatchingDocument; the matched ones were merged.
    db.getCollection("m_nomatch")
        .insertMany(List.of(new Document("_id", 1), new Document("_id", 3)));
    MongoCommandException noMatch =
        failure(
            src,
            List.of(
                new Document(
                    "$merge",
                    new Document("into", "m_nomatch")
                        .append("whenMatched", "merge")
                        .append("whenNotMatched", "fail"))));
    assertThat(noMatch.getErrorCode()).isEqualTo(13113);
    assertThat(noMatch.getErrorCodeName()).isEqualTo("MergeStageNoMatchingDocument");
    assertThat(contents(db, "m_nomatch")).containsExactly(doc(1, "a", 1), doc(3, "c", 3));
    awaitReplicated("m_nomatch");

    // replace + fail, on a field with a unique index.
    MongoCollection<Document> byKey = db.getCollection("m_bykey");
    byKey.createIndex(new Document("k", 1), new IndexOptions().unique(true));
    byKey.insertOne(new Document("_id", "x").append("k", "b").append("old", true));
    src.aggregate(
            List.of(
                new Document("$match", new Document("k", "b")),
                new Document("$project", new Document("_id", 0)),
                new Document(
                    "$merge",
                    new Document("into", "m_bykey")
                        .append("on", "k")
                        .append("whenMatched", "replace")
                        .append("whenNotMatched", "fail"))))
        .toCollection();
    assertThat(contents(db, "m_bykey"))
        .containsExactly(new Document("_id", "x").append("k", "b").append("v", 2));
    awaitReplicated("m_bykey");

    // on a field without a unique index: 51183, nothing written.
    assertThat(
            failure(
                    src,
                    List.of(
                        new Document("$merge", new Document("into", "m_merge").append("on", "v"))))
                .getErrorCode())
        .isEqualTo(51183);
  }

  @Test
  void aWriteAggregateWaitsForItsWriteConcern() {
    MongoCollection<Document> src =
        db.getCollection("wc_src")
            .withWriteConcern(
                new WriteConcern(3).withWTimeout(10, java.util.concurrent.TimeUnit.SECONDS));
    src.insertOne(doc(1, "a", 1));
    src.aggregate(List.of(new Document("$out", "wc_dst"))).toCollection();
    // w: 3 was acknowledged: every member has it now, without waiting.
    for (int m = 0; m < 3; m++) {
      assertThat(contents(onMember(m), "wc_dst"))
          .as("member %d", m)
          .containsExactly(doc(1, "a", 1));
    }
  }

  @Test
  void aSecondaryRefusesOutAndMergeEvenWhenTheClientChoseIt() {
    db.getCollection("sec_src").insertOne(doc(1, "a", 1));
    int primary = rs.awaitPrimary();
    awaitReplicated("sec_src");
    int secondary = rs.others(primary).get(0);
    MongoDatabase direct =
        rs.direct(secondary).getDatabase("om").withReadPreference(ReadPreference.secondary());
    for (Document stage :
        List.of(new Document("$out", "sec_dst"), new Document("$merge", "sec_dst"))) {
      assertThatThrownBy(
              () -> direct.getCollection("sec_src").aggregate(List.of(stage)).toCollection())
          .isInstanceOfSatisfying(
              MongoCommandException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(10107);
                assertThat(e.getErrorCodeName()).isEqualTo("NotWritablePrimary");
              });
    }
    // A replica-set client whose read preference picks a secondary is refused the same way.
    try (MongoClient reader = rs.client("readPreference=secondary")) {
      assertThatThrownBy(
              () ->
                  reader
                      .getDatabase("om")
                      .getCollection("sec_src")
                      .aggregate(List.of(new Document("$out", "sec_dst")))
                      .toCollection())
          .isInstanceOfSatisfying(
              MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(10107));
    }
    assertThat(collectionNames(db)).doesNotContain("sec_dst");
  }

  /** The error of an aggregate over {@code src} with {@code pipeline} that must fail. */
  private static MongoCommandException failure(
      MongoCollection<Document> src, List<? extends Bson> pipeline) {
    MongoCommandException e =
        catchThrowableOfType(
            MongoCommandException.class, () -> src.aggregate(pipeline).toCollection());
    assertThat(e).as("the aggregate %s fails", pipeline).isNotNull();
    return e;
  }
}
