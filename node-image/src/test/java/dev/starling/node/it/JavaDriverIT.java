package dev.starling.node.it;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.InsertManyResult;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** CRUD, cursors, indexes, aggregation and the catalog through the Java sync driver. */
class JavaDriverIT {
  private static NodeProcess node;
  private static MongoClient client;
  private MongoDatabase db;
  private MongoCollection<Document> coll;

  @BeforeAll
  static void startNode() {
    node = NodeProcess.start("java-driver");
    client = node.client();
  }

  @AfterAll
  static void stopNode() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void collectionPerTest(TestInfo test) {
    db = client.getDatabase("jdit");
    coll = db.getCollection(test.getTestMethod().orElseThrow().getName());
  }

  private static List<Document> people() {
    return List.of(
        new Document("_id", 1).append("name", "ada").append("age", 36).append("city", "london"),
        new Document("_id", 2).append("name", "grace").append("age", 85).append("city", "nyc"),
        new Document("_id", 3).append("name", "alan").append("age", 41).append("city", "london"),
        new Document("_id", 4).append("name", "edsger").append("age", 72).append("city", "austin"),
        new Document("_id", 5).append("name", "barbara").append("age", 62).append("city", "nyc"));
  }

  @Test
  void insertAndFindWithFilterProjectionSortSkipLimit() {
    coll.insertOne(people().get(0));
    InsertManyResult many = coll.insertMany(people().subList(1, 5));
    assertThat(many.getInsertedIds()).hasSize(4);
    assertThat(coll.countDocuments()).isEqualTo(5);

    assertThat(coll.find(eq("_id", 3)).first()).isEqualTo(people().get(2));
    assertThat(coll.find(eq("city", "london")).sort(Sorts.ascending("age")).into(new ArrayList<>()))
        .extracting(d -> d.getString("name"))
        .containsExactly("ada", "alan");

    List<Document> page =
        coll.find(gte("age", 40))
            .projection(Projections.fields(Projections.include("name"), Projections.excludeId()))
            .sort(Sorts.descending("age"))
            .skip(1)
            .limit(2)
            .into(new ArrayList<>());
    // age >= 40 by age descending: grace 85, edsger 72, barbara 62, alan 41.
    assertThat(page)
        .containsExactly(new Document("name", "edsger"), new Document("name", "barbara"));

    assertThat(coll.find(and(eq("city", "nyc"), lt("age", 70))).into(new ArrayList<>()))
        .containsExactly(people().get(4));
    assertThat(coll.find(in("name", "ada", "nobody", "grace")).into(new ArrayList<>()))
        .extracting(d -> d.getInteger("_id"))
        .containsExactlyInAnyOrder(1, 2);
    assertThat(coll.find(eq("name", "nobody")).first()).isNull();
  }

  @Test
  void insertWithoutIdGetsAnObjectId() {
    Document doc = new Document("x", 1);
    coll.insertOne(doc);

    Document stored = coll.find().first();
    assertThat(stored.get("_id")).isInstanceOf(org.bson.types.ObjectId.class);
    assertThat(stored.get("_id")).isEqualTo(doc.get("_id"));
  }

  @Test
  void updates() {
    coll.insertMany(people());

    UpdateResult set = coll.updateOne(eq("_id", 1), Updates.set("city", "paris"));
    assertThat(set.getMatchedCount()).isEqualTo(1);
    assertThat(set.getModifiedCount()).isEqualTo(1);
    assertThat(coll.find(eq("_id", 1)).first().getString("city")).isEqualTo("paris");

    UpdateResult inc = coll.updateMany(eq("city", "nyc"), Updates.inc("age", 1));
    assertThat(inc.getMatchedCount()).isEqualTo(2);
    assertThat(inc.getModifiedCount()).isEqualTo(2);
    assertThat(coll.find(eq("city", "nyc")).sort(Sorts.ascending("_id")).into(new ArrayList<>()))
        .extracting(d -> d.getInteger("age"))
        .containsExactly(86, 63);

    coll.updateOne(eq("_id", 3), Updates.push("tags", "turing"));
    coll.updateOne(eq("_id", 3), Updates.push("tags", "enigma"));
    assertThat(coll.find(eq("_id", 3)).first().getList("tags", String.class))
        .containsExactly("turing", "enigma");

    UpdateResult noop = coll.updateOne(eq("_id", 2), Updates.set("name", "grace"));
    assertThat(noop.getMatchedCount()).isEqualTo(1);
    assertThat(noop.getModifiedCount()).isZero();

    UpdateResult none = coll.updateOne(eq("_id", 99), Updates.set("name", "x"));
    assertThat(none.getMatchedCount()).isZero();
    assertThat(none.getUpsertedId()).isNull();

    UpdateResult upsert =
        coll.updateOne(
            eq("name", "linus"),
            Updates.combine(Updates.set("city", "portland"), Updates.inc("age", 55)),
            new UpdateOptions().upsert(true));
    assertThat(upsert.getMatchedCount()).isZero();
    assertThat(upsert.getUpsertedId()).isNotNull();
    Document linus = coll.find(eq("name", "linus")).first();
    assertThat(linus.get("_id")).isEqualTo(upsert.getUpsertedId().asObjectId().getValue());
    assertThat(linus.getString("city")).isEqualTo("portland");
    assertThat(linus.getInteger("age")).isEqualTo(55);
    assertThat(coll.countDocuments()).isEqualTo(6);

    UpdateResult replace =
        coll.replaceOne(eq("_id", 4), new Document("name", "dijkstra").append("field", "cs"));
    assertThat(replace.getModifiedCount()).isEqualTo(1);
    assertThat(coll.find(eq("_id", 4)).first())
        .isEqualTo(new Document("_id", 4).append("name", "dijkstra").append("field", "cs"));
  }

  @Test
  void updateWithAnUnknownOperatorFails() {
    coll.insertOne(new Document("_id", 1));

    MongoWriteException e =
        catchThrowableOfType(
            MongoWriteException.class,
            () -> coll.updateOne(eq("_id", 1), new Document("$frob", new Document("a", 1))));

    // FailedToParse, as mongod reports an unknown update modifier.
    assertThat(e.getError().getCode()).isEqualTo(9);
  }

  @Test
  void deletes() {
    coll.insertMany(people());

    DeleteResult one = coll.deleteOne(eq("city", "nyc"));
    assertThat(one.getDeletedCount()).isEqualTo(1);
    assertThat(coll.countDocuments(eq("city", "nyc"))).isEqualTo(1);

    DeleteResult many = coll.deleteMany(eq("city", "london"));
    assertThat(many.getDeletedCount()).isEqualTo(2);

    assertThat(coll.deleteMany(eq("city", "atlantis")).getDeletedCount()).isZero();
    assertThat(coll.countDocuments()).isEqualTo(2);
    assertThat(coll.deleteMany(new Document()).getDeletedCount()).isEqualTo(2);
    assertThat(coll.countDocuments()).isZero();
  }

  @Test
  void findOneAndUpdateCountAndDistinct() {
    coll.insertMany(people());

    Document after =
        coll.findOneAndUpdate(
            eq("_id", 2),
            Updates.inc("age", 10),
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    assertThat(after.getInteger("age")).isEqualTo(95);

    Document before = coll.findOneAndUpdate(eq("_id", 2), Updates.set("city", "dc"));
    assertThat(before.getString("city")).isEqualTo("nyc");
    assertThat(before.getInteger("age")).isEqualTo(95);
    assertThat(coll.find(eq("_id", 2)).first().getString("city")).isEqualTo("dc");

    assertThat(coll.findOneAndUpdate(eq("_id", 42), Updates.set("x", 1))).isNull();
    assertThat(coll.findOneAndDelete(eq("_id", 5))).isEqualTo(people().get(4));

    assertThat(coll.countDocuments()).isEqualTo(4);
    assertThat(coll.countDocuments(eq("city", "london"))).isEqualTo(2);
    assertThat(coll.countDocuments(gte("age", 70))).isEqualTo(2);
    assertThat(coll.estimatedDocumentCount()).isEqualTo(4);

    assertThat(coll.distinct("city", String.class).into(new ArrayList<>()))
        .containsExactlyInAnyOrder("london", "dc", "austin");
    assertThat(coll.distinct("city", lt("age", 50), String.class).into(new ArrayList<>()))
        .containsExactly("london");
  }

  private static long openCursors() {
    return ServerStatus.openCursors(client);
  }

  @Test
  void cursorAcrossManyBatches() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      docs.add(new Document("_id", i).append("payload", "p" + i));
    }
    coll.insertMany(docs);
    List<Object> getMoreBatchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    CommandListener listener =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            if (event.getCommandName().equals("getMore")) {
              getMoreBatchSizes.add(event.getCommand().get("batchSize"));
            }
          }
        };
    long openBefore = openCursors();
    try (MongoClient counting =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(node.uri()))
                .addCommandListener(listener)
                .build())) {
      MongoCollection<Document> c =
          counting.getDatabase("jdit").getCollection(coll.getNamespace().getCollectionName());
      Set<Integer> seen = new HashSet<>();
      int count = 0;
      try (MongoCursor<Document> cursor = c.find().batchSize(100).cursor()) {
        while (cursor.hasNext()) {
          Document d = cursor.next();
          assertThat(d.getString("payload")).isEqualTo("p" + d.getInteger("_id"));
          assertThat(seen.add(d.getInteger("_id"))).as("_id %s seen twice", d.get("_id")).isTrue();
          count++;
          if (count == 150) {
            assertThat(openCursors()).as("open cursors mid-iteration").isEqualTo(openBefore + 1);
          }
        }
      }
      assertThat(count).isEqualTo(1000);
      assertThat(seen).hasSize(1000);
      // 1,000 documents in batches of 100: the find's batch plus 9 getMores (a 10th, empty one
      // is allowed when the server only sees the end on the next read).
      assertThat(getMoreBatchSizes).hasSizeBetween(9, 10).containsOnly(new BsonInt32(100));
      assertThat(openCursors()).as("open cursors after exhaustion").isEqualTo(openBefore);

      // A cursor abandoned midway is killed by close().
      MongoCursor<Document> partial =
          c.find().sort(Sorts.descending("_id")).batchSize(100).cursor();
      assertThat(partial.next().getInteger("_id")).isEqualTo(999);
      assertThat(openCursors()).isEqualTo(openBefore + 1);
      partial.close();
      assertThat(openCursors()).as("open cursors after close").isEqualTo(openBefore);
    }
  }

  /** Inserts {_id: 0..9} and runs a find with batchSize 2; returns the open cursor's id. */
  private long openCursorOverTenDocumentsInBatchesOfTwo() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      docs.add(new Document("_id", i));
    }
    coll.insertMany(docs);
    Document first =
        db.runCommand(
            new Document("find", coll.getNamespace().getCollectionName()).append("batchSize", 2));
    Document cursor = first.get("cursor", Document.class);
    assertThat(cursor.getList("firstBatch", Document.class)).hasSize(2);
    assertThat(cursor.getLong("id")).isNotZero();
    return cursor.getLong("id");
  }

  @Test
  void getMoreOnAKilledCursorFailsWithCursorNotFound() {
    String name = coll.getNamespace().getCollectionName();
    long id = openCursorOverTenDocumentsInBatchesOfTwo();

    Document killed =
        db.runCommand(new Document("killCursors", name).append("cursors", List.of(id)));
    assertThat(killed.getList("cursorsKilled", Long.class)).containsExactly(id);

    MongoCommandException e =
        catchThrowableOfType(
            MongoCommandException.class,
            () -> db.runCommand(new Document("getMore", id).append("collection", name)));
    assertThat(e.getErrorCode()).as("CursorNotFound").isEqualTo(43);
  }

  @Test
  void droppingTheCollectionKillsItsCursors() {
    String name = coll.getNamespace().getCollectionName();
    long id = openCursorOverTenDocumentsInBatchesOfTwo();
    coll.drop();

    MongoCommandException e =
        catchThrowableOfType(
            MongoCommandException.class,
            () -> db.runCommand(new Document("getMore", id).append("collection", name)));
    assertThat(e.getErrorCode()).as("QueryPlanKilled").isEqualTo(175);
    assertThat(e.getErrorMessage()).contains("collection dropped");
    MongoCommandException again =
        catchThrowableOfType(
            MongoCommandException.class,
            () -> db.runCommand(new Document("getMore", id).append("collection", name)));
    assertThat(again.getErrorCode()).as("the killed cursor is gone").isEqualTo(43);
  }

  @Test
  void uniqueIndexViolations() {
    String index = coll.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    assertThat(index).isEqualTo("email_1");
    coll.insertOne(new Document("_id", 1).append("email", "a@x"));

    MongoWriteException dup =
        catchThrowableOfType(
            MongoWriteException.class,
            () -> coll.insertOne(new Document("_id", 2).append("email", "a@x")));
    assertThat(dup.getError().getCode()).isEqualTo(11000);
    assertThat(dup.getError().getCategory()).isEqualTo(ErrorCategory.DUPLICATE_KEY);
    assertThat(dup.getError().getMessage()).contains("email_1");

    MongoWriteException dupId =
        catchThrowableOfType(
            MongoWriteException.class,
            () -> coll.insertOne(new Document("_id", 1).append("email", "b@x")));
    assertThat(dupId.getError().getCode()).isEqualTo(11000);

    // Ordered: stops at the duplicate (index 2); 3 and 4 are never inserted.
    List<Document> batch =
        List.of(
            new Document("_id", 10).append("email", "b@x"),
            new Document("_id", 11).append("email", "c@x"),
            new Document("_id", 12).append("email", "a@x"),
            new Document("_id", 13).append("email", "d@x"),
            new Document("_id", 14).append("email", "e@x"));
    MongoBulkWriteException ordered =
        catchThrowableOfType(MongoBulkWriteException.class, () -> coll.insertMany(batch));
    assertThat(ordered.getWriteErrors()).hasSize(1);
    assertThat(ordered.getWriteErrors().get(0).getIndex()).isEqualTo(2);
    assertThat(ordered.getWriteErrors().get(0).getCode()).isEqualTo(11000);
    assertThat(ordered.getWriteResult().getInsertedCount()).isEqualTo(2);
    assertThat(coll.find().sort(Sorts.ascending("_id")).into(new ArrayList<>()))
        .extracting(d -> d.getInteger("_id"))
        .containsExactly(1, 10, 11);

    // Unordered: every other document goes in.
    List<Document> unorderedBatch =
        List.of(
            new Document("_id", 20).append("email", "f@x"),
            new Document("_id", 21).append("email", "a@x"),
            new Document("_id", 22).append("email", "g@x"));
    MongoBulkWriteException unordered =
        catchThrowableOfType(
            MongoBulkWriteException.class,
            () -> coll.insertMany(unorderedBatch, new InsertManyOptions().ordered(false)));
    assertThat(unordered.getWriteErrors()).extracting(e -> e.getIndex()).containsExactly(1);
    assertThat(coll.countDocuments()).isEqualTo(5);

    // An update that would create a duplicate fails too and changes nothing.
    MongoWriteException updateDup =
        catchThrowableOfType(
            MongoWriteException.class,
            () -> coll.updateOne(eq("_id", 20), Updates.set("email", "a@x")));
    assertThat(updateDup.getError().getCode()).isEqualTo(11000);
    assertThat(coll.find(eq("_id", 20)).first().getString("email")).isEqualTo("f@x");

    // Creating a unique index over existing duplicates fails, and leaves no index behind.
    MongoCollection<Document> nicks =
        db.getCollection(coll.getNamespace().getCollectionName() + "_nicks");
    nicks.insertMany(
        List.of(
            new Document("_id", 1).append("nick", "x"),
            new Document("_id", 2).append("nick", "y"),
            new Document("_id", 3).append("nick", "x")));
    MongoServerException indexDup =
        catchThrowableOfType(
            MongoServerException.class,
            () -> nicks.createIndex(Indexes.ascending("nick"), new IndexOptions().unique(true)));
    assertThat(indexDup.getCode()).isEqualTo(11000);
    assertThat(indexDup.getMessage()).contains("nick_1");
    assertThat(nicks.listIndexes().into(new ArrayList<>()))
        .extracting(d -> d.getString("name"))
        .containsExactly("_id_");
  }

  @Test
  void aggregation() {
    coll.insertMany(
        List.of(
            new Document("_id", 1)
                .append("status", "A")
                .append("customer", "ann")
                .append("items", List.of(item("pen", 2), item("ink", 1))),
            new Document("_id", 2)
                .append("status", "A")
                .append("customer", "bob")
                .append("items", List.of(item("pen", 5))),
            new Document("_id", 3)
                .append("status", "B")
                .append("customer", "ann")
                .append("items", List.of(item("pad", 7))),
            new Document("_id", 4)
                .append("status", "A")
                .append("customer", "ann")
                .append("items", List.of(item("ink", 4), item("pad", 1)))));

    List<Document> bySku =
        coll.aggregate(
                List.of(
                    Aggregates.match(eq("status", "A")),
                    Aggregates.unwind("$items"),
                    Aggregates.group(
                        "$items.sku",
                        Accumulators.sum("qty", "$items.qty"),
                        Accumulators.sum("lines", 1)),
                    Aggregates.sort(Sorts.descending("qty")),
                    Aggregates.project(
                        Projections.fields(
                            Projections.excludeId(),
                            Projections.computed("sku", "$_id"),
                            Projections.include("qty", "lines")))))
            .into(new ArrayList<>());
    assertThat(bySku)
        .containsExactly(
            new Document("qty", 7).append("lines", 2).append("sku", "pen"),
            new Document("qty", 5).append("lines", 2).append("sku", "ink"),
            new Document("qty", 1).append("lines", 1).append("sku", "pad"));

    List<Document> byCustomer =
        coll.aggregate(
                List.of(
                    Aggregates.group("$customer", Accumulators.sum("orders", 1)),
                    Aggregates.sort(Sorts.ascending("_id"))))
            .into(new ArrayList<>());
    assertThat(byCustomer)
        .containsExactly(
            new Document("_id", "ann").append("orders", 3),
            new Document("_id", "bob").append("orders", 1));

    Document count =
        coll.aggregate(
                List.of(
                    Aggregates.unwind("$items"),
                    Aggregates.match(eq("items.sku", "pad")),
                    Aggregates.count("pads")))
            .first();
    assertThat(count).isEqualTo(new Document("pads", 2));

    assertThat(
            coll.aggregate(List.of(Aggregates.match(eq("status", "Z")), Aggregates.count()))
                .first())
        .isNull();
  }

  private static Document item(String sku, int qty) {
    return new Document("sku", sku).append("qty", qty);
  }

  @Test
  void aggregationWithManyResultsUsesACursor() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      docs.add(new Document("_id", i).append("g", i % 250));
    }
    coll.insertMany(docs);

    List<Document> groups =
        coll.aggregate(
                List.of(
                    Aggregates.group("$g", Accumulators.sum("n", 1)),
                    Aggregates.sort(Sorts.ascending("_id"))))
            .batchSize(50)
            .into(new ArrayList<>());

    assertThat(groups).hasSize(250);
    for (int i = 0; i < 250; i++) {
      assertThat(groups.get(i)).isEqualTo(new Document("_id", i).append("n", 2));
    }
  }

  /** Every stage name in an explain plan tree, with the index names of IXSCAN stages. */
  private static void stages(Object plan, List<String> out) {
    if (plan instanceof Document d) {
      if (d.containsKey("stage")) {
        String stage = d.getString("stage");
        out.add(stage.equals("IXSCAN") ? "IXSCAN:" + d.getString("indexName") : stage);
      }
      for (Object value : d.values()) {
        stages(value, out);
      }
    } else if (plan instanceof List<?> list) {
      for (Object value : list) {
        stages(value, out);
      }
    }
  }

  private List<String> winningPlanStages(Document filter) {
    Document explain =
        db.runCommand(
            new Document(
                "explain",
                new Document("find", coll.getNamespace().getCollectionName())
                    .append("filter", filter)));
    assertThat(explain.get("ok", Number.class).doubleValue()).isEqualTo(1.0);
    List<String> stages = new ArrayList<>();
    stages(explain.get("queryPlanner", Document.class).get("winningPlan"), stages);
    return stages;
  }

  @Test
  void explainShowsIndexUse() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      docs.add(new Document("_id", i).append("sku", "s" + i).append("qty", i % 7));
    }
    coll.insertMany(docs);

    assertThat(winningPlanStages(new Document("sku", "s42")))
        .contains("COLLSCAN")
        .noneMatch(s -> s.startsWith("IXSCAN"));

    String name = coll.createIndex(Indexes.ascending("sku"));
    assertThat(name).isEqualTo("sku_1");

    assertThat(winningPlanStages(new Document("sku", "s42")))
        .contains("IXSCAN:sku_1")
        .doesNotContain("COLLSCAN");
    // A field without an index still scans the collection.
    assertThat(winningPlanStages(new Document("qty", 3))).contains("COLLSCAN");
    // And the indexed query returns the right document.
    assertThat(coll.find(eq("sku", "s42")).into(new ArrayList<>())).containsExactly(docs.get(42));
    assertThat(coll.countDocuments(and(gte("sku", "s190"), lt("sku", "s199")))).isEqualTo(9);
  }

  @Test
  void listAndDropIndexes() {
    coll.insertOne(new Document("a", 1).append("b", 2));
    assertThat(coll.createIndex(Indexes.ascending("a"))).isEqualTo("a_1");
    assertThat(
            coll.createIndex(
                Indexes.compoundIndex(Indexes.ascending("a"), Indexes.descending("b"))))
        .isEqualTo("a_1_b_-1");
    assertThat(
            coll.createIndex(Indexes.ascending("c"), new IndexOptions().name("by_c").unique(true)))
        .isEqualTo("by_c");

    List<Document> indexes = coll.listIndexes().into(new ArrayList<>());
    assertThat(indexes)
        .extracting(d -> d.getString("name"))
        .containsExactlyInAnyOrder("_id_", "a_1", "a_1_b_-1", "by_c");
    Document compound =
        indexes.stream()
            .filter(d -> d.getString("name").equals("a_1_b_-1"))
            .findFirst()
            .orElseThrow();
    assertThat(compound.get("key", Document.class)).isEqualTo(new Document("a", 1).append("b", -1));
    Document unique =
        indexes.stream().filter(d -> d.getString("name").equals("by_c")).findFirst().orElseThrow();
    assertThat(unique.getBoolean("unique")).isTrue();

    coll.dropIndex("a_1");
    coll.dropIndex(Indexes.ascending("c"));
    assertThat(coll.listIndexes().into(new ArrayList<>()))
        .extracting(d -> d.getString("name"))
        .containsExactlyInAnyOrder("_id_", "a_1_b_-1");

    MongoCommandException missing =
        catchThrowableOfType(MongoCommandException.class, () -> coll.dropIndex("nope_1"));
    assertThat(missing.getErrorCode()).as("IndexNotFound").isEqualTo(27);

    coll.dropIndexes();
    assertThat(coll.listIndexes().into(new ArrayList<>()))
        .extracting(d -> d.getString("name"))
        .containsExactly("_id_");
  }

  @Test
  void listCollectionsDropAndRename() {
    MongoDatabase catalog = client.getDatabase("jdit_catalog");
    catalog.drop();
    catalog.createCollection("alpha");
    catalog.getCollection("beta").insertOne(new Document("_id", 1).append("v", "b"));
    catalog.getCollection("gamma").insertOne(new Document("_id", 1));

    assertThat(catalog.listCollectionNames().into(new ArrayList<>()))
        .containsExactlyInAnyOrder("alpha", "beta", "gamma");
    assertThat(client.listDatabaseNames().into(new ArrayList<>())).contains("jdit_catalog");

    catalog
        .getCollection("beta")
        .renameCollection(new com.mongodb.MongoNamespace("jdit_catalog", "delta"));
    assertThat(catalog.listCollectionNames().into(new ArrayList<>()))
        .containsExactlyInAnyOrder("alpha", "delta", "gamma");
    assertThat(catalog.getCollection("delta").find().first())
        .isEqualTo(new Document("_id", 1).append("v", "b"));
    assertThat(catalog.getCollection("beta").countDocuments()).isZero();

    MongoCommandException targetExists =
        catchThrowableOfType(
            MongoCommandException.class,
            () ->
                catalog
                    .getCollection("delta")
                    .renameCollection(new com.mongodb.MongoNamespace("jdit_catalog", "gamma")));
    assertThat(targetExists.getErrorCode()).as("NamespaceExists").isEqualTo(48);

    catalog.getCollection("gamma").drop();
    assertThat(catalog.listCollectionNames().into(new ArrayList<>()))
        .containsExactlyInAnyOrder("alpha", "delta");
    // Dropping a collection that does not exist is not an error for the driver.
    catalog.getCollection("gamma").drop();

    catalog.drop();
    assertThat(catalog.listCollectionNames().into(new ArrayList<>())).isEmpty();
    assertThat(client.listDatabaseNames().into(new ArrayList<>())).doesNotContain("jdit_catalog");
  }

  @Test
  void unknownCommandIsCommandNotFound() {
    MongoCommandException e =
        catchThrowableOfType(
            MongoCommandException.class,
            () -> db.runCommand(new Document("frobnicateTheWidgets", 1)));

    assertThat(e.getErrorCode()).isEqualTo(59);
    assertThat(e.getErrorCodeName()).isEqualTo("CommandNotFound");
    assertThat(e.getErrorMessage()).contains("frobnicateTheWidgets");
  }

  @Test
  void unknownQueryOperatorIsBadValue() {
    coll.insertOne(new Document("_id", 1).append("a", 1));

    MongoCommandException e =
        catchThrowableOfType(
            MongoCommandException.class,
            () -> coll.find(new Document("a", new Document("$frob", 1))).first());

    assertThat(e.getErrorCode()).isEqualTo(2);
    assertThat(e.getErrorCodeName()).isEqualTo("BadValue");
    assertThat(e.getErrorMessage()).contains("$frob");
  }

  @Test
  void largeDocumentsRoundTripAcrossBatches() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] blob = new byte[7 * 1024 * 1024];
      java.util.Arrays.fill(blob, (byte) ('a' + i));
      blob[i] = 0;
      docs.add(new Document("_id", i).append("blob", new org.bson.types.Binary(blob)));
    }
    for (Document d : docs) {
      coll.insertOne(d);
    }

    // 21 MiB in all: more than one 16 MiB reply can hold.
    assertThat(coll.find().sort(Sorts.ascending("_id")).into(new ArrayList<>())).isEqualTo(docs);
    assertThat(coll.find(eq("_id", 1)).first()).isEqualTo(docs.get(1));
  }

  @Test
  void concurrentIncrementsAreAtomic() throws Exception {
    coll.insertOne(new Document("_id", "counter").append("n", 0));
    int threads = 8;
    int perThread = 100;
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    coll.updateOne(eq("_id", "counter"), Updates.inc("n", 1));
                  }
                }));
      }
      for (var f : futures) {
        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
    }

    assertThat(coll.find(eq("_id", "counter")).first().getInteger("n"))
        .isEqualTo(threads * perThread);
  }

  @Test
  void concurrentInsertsOfTheSameUniqueKeyLetExactlyOneWin() throws Exception {
    coll.createIndex(Indexes.ascending("key"), new IndexOptions().unique(true));
    int threads = 6;
    int keys = 50;
    java.util.concurrent.atomic.AtomicInteger wins =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger duplicates =
        new java.util.concurrent.atomic.AtomicInteger();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < keys; k++) {
                    try {
                      coll.insertOne(new Document("key", k).append("thread", thread));
                      wins.incrementAndGet();
                    } catch (MongoWriteException e) {
                      assertThat(e.getError().getCode()).isEqualTo(11000);
                      duplicates.incrementAndGet();
                    }
                  }
                }));
      }
      for (var f : futures) {
        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
    }

    assertThat(wins.get()).isEqualTo(keys);
    assertThat(duplicates.get()).isEqualTo(keys * (threads - 1));
    assertThat(coll.countDocuments()).isEqualTo(keys);
    assertThat(coll.distinct("key", Integer.class).into(new ArrayList<>())).hasSize(keys);
  }

  @Test
  void typesRoundTrip() {
    Document doc =
        new Document("_id", new org.bson.types.ObjectId())
            .append("int", 42)
            .append("long", 1L << 40)
            .append("double", 2.5)
            .append("decimal", new org.bson.types.Decimal128(new java.math.BigDecimal("1.10")))
            .append("string", "héllo ✓")
            .append("bool", true)
            .append("null", null)
            .append("date", new java.util.Date(1_700_000_000_000L))
            .append("binary", new org.bson.types.Binary(new byte[] {1, 2, 3}))
            .append("nested", new Document("a", List.of(1, "two", new Document("three", 3))));
    coll.insertOne(doc);

    assertThat(coll.find(eq("_id", doc.get("_id"))).first()).isEqualTo(doc);
    assertThat(coll.find(eq("nested.a.three", 3)).first()).isEqualTo(doc);
    assertThatThrownBy(() -> coll.insertOne(new Document("_id", doc.get("_id"))))
        .isInstanceOf(MongoWriteException.class);
  }
}
