package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mongosh and the Node.js driver (the project's test-clients) against the node. */
class MongoshIT {
  private static NodeProcess node;

  @TempDir Path home;

  @BeforeAll
  static void startNode() {
    node = NodeProcess.start("mongosh");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  static Path clients() {
    String dir = System.getProperty("starling.clients.dir");
    Path path = dir != null ? Path.of(dir) : Path.of("..", "test-clients");
    Path modules = path.resolve("node_modules");
    if (!Files.isDirectory(modules)) {
      throw new IllegalStateException(
          modules.toAbsolutePath() + " is missing: the build runs npm install in test-clients");
    }
    return path.toAbsolutePath();
  }

  /** Runs mongosh on the test database with {@code js}; a private HOME keeps its files apart. */
  private ClientRun mongosh(String name, String js) throws Exception {
    return ClientRun.run(
        name,
        List.of(
            clients().resolve("node_modules/.bin/mongosh").toString(),
            "--quiet",
            "--norc",
            "mongodb://127.0.0.1:" + node.port() + "/test",
            "--eval",
            js),
        Map.of("HOME", home.toString(), "MONGOSH_NO_UPDATE_CHECK", "1", "DO_NOT_TRACK", "1"),
        home);
  }

  @Test
  void mongoshCrudIndexesAndAggregation() throws Exception {
    String js =
        """
        db.books.drop();
        const ins = db.books.insertMany([
          { _id: 1, title: 'dune', year: 1965, tags: ['scifi'] },
          { _id: 2, title: 'emma', year: 1815, tags: ['romance'] },
          { _id: 3, title: 'ubik', year: 1969, tags: ['scifi', 'pkd'] },
        ]);
        const found = db.books.find({ tags: 'scifi' }, { title: 1, _id: 0 }).sort({ year: -1 }).toArray();
        const upd = db.books.updateOne({ _id: 2 }, { $set: { year: 1816 }, $push: { tags: 'classic' } });
        const agg = db.books.aggregate([
          { $unwind: '$tags' },
          { $group: { _id: '$tags', n: { $sum: 1 } } },
          { $sort: { n: -1, _id: 1 } },
        ]).toArray();
        const ix = db.books.createIndex({ year: 1 }, { unique: true });
        const indexes = db.books.getIndexes().map((i) => i.name).sort();
        const cnt = db.books.countDocuments({ year: { $gt: 1900 } });
        let dup = null;
        try { db.books.insertOne({ _id: 4, year: 1965 }); } catch (e) { dup = e.code; }
        db.items.drop();
        db.items.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i })));
        const ids = db.items.find().batchSize(50).toArray().map((d) => d._id);
        let unknown = null;
        try {
          const r = db.runCommand({ frobnicate: 1 });
          unknown = r.ok === 0 ? r.code : 'no error';
        } catch (e) { unknown = e.code; }
        print('RESULT ' + EJSON.stringify({
          acknowledged: ins.acknowledged,
          insertedIds: Object.values(ins.insertedIds),
          found,
          update: [upd.matchedCount, upd.modifiedCount],
          emma: db.books.findOne({ _id: 2 }),
          agg, ix, indexes, cnt, dup,
          items: ids.length,
          distinctItems: new Set(ids).size,
          unknown,
        }));
        """;

    ClientRun run = mongosh("mongosh-crud", js);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    Document r = run.result();
    assertThat(r.getBoolean("acknowledged")).isTrue();
    assertThat(r.getList("insertedIds", Integer.class)).containsExactly(1, 2, 3);
    assertThat(r.getList("found", Document.class))
        .containsExactly(new Document("title", "ubik"), new Document("title", "dune"));
    assertThat(r.getList("update", Integer.class)).containsExactly(1, 1);
    assertThat(r.get("emma", Document.class))
        .isEqualTo(
            new Document("_id", 2)
                .append("title", "emma")
                .append("year", 1816)
                .append("tags", List.of("romance", "classic")));
    assertThat(r.getList("agg", Document.class))
        .containsExactly(
            new Document("_id", "scifi").append("n", 2),
            new Document("_id", "classic").append("n", 1),
            new Document("_id", "pkd").append("n", 1),
            new Document("_id", "romance").append("n", 1));
    assertThat(r.getString("ix")).isEqualTo("year_1");
    assertThat(r.getList("indexes", String.class)).containsExactly("_id_", "year_1");
    assertThat(r.getInteger("cnt")).isEqualTo(2);
    assertThat(r.getInteger("dup")).isEqualTo(11000);
    assertThat(r.getInteger("items")).isEqualTo(500);
    assertThat(r.getInteger("distinctItems")).isEqualTo(500);
    assertThat(r.getInteger("unknown")).isEqualTo(59);
  }

  @Test
  void nodeDriverScript() throws Exception {
    Path script = home.resolve("node_driver.js");
    try (InputStream in = MongoshIT.class.getResourceAsStream("/it/node_driver.js")) {
      Files.copy(in, script);
    }
    ClientRun run =
        ClientRun.run(
            "node-driver",
            List.of(
                "node",
                script.toString(),
                Integer.toString(node.port()),
                clients().resolve("node_modules/mongodb").toString()),
            Map.of("HOME", home.toString(), "DO_NOT_TRACK", "1"),
            home);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    Document r = run.result();
    assertThat(r.getInteger("insertedCount")).isEqualTo(300);
    // group 1 is _id 1, 4, ..., 298; descending, skip 2: 292, 289, 286.
    assertThat(r.getList("page", Document.class))
        .containsExactly(
            new Document("_id", 292).append("label", "doc-292"),
            new Document("_id", 289).append("label", "doc-289"),
            new Document("_id", 286).append("label", "doc-286"));
    assertThat(r.getInteger("cursorTotal")).isEqualTo(300);
    assertThat(r.getInteger("cursorDistinct")).isEqualTo(300);
    assertThat(r.getList("updateMany", Integer.class)).containsExactly(100, 100);
    assertThat(r.get("afterUpdate", Document.class))
        .isEqualTo(
            new Document("_id", 5)
                .append("group", 2)
                .append("label", "doc-5")
                .append("hits", 6)
                .append("flag", true));
    assertThat(r.getInteger("upsertedId")).isEqualTo(1000);
    assertThat(r.getInteger("deleted")).isEqualTo(100);
    assertThat(r.getInteger("count")).isEqualTo(201);
    assertThat(r.getInteger("countGroup2")).isEqualTo(100);
    assertThat(r.getList("aggregate", Document.class))
        .containsExactly(
            new Document("_id", 1).append("n", 100).append("maxId", 298),
            new Document("_id", 2).append("n", 100).append("maxId", 299));
    assertThat(r.getString("indexName")).isEqualTo("label_1");
    assertThat(r.getInteger("duplicateCode")).isEqualTo(11000);
    assertThat(r.getList("indexes", String.class)).containsExactly("_id_", "label_1");
    assertThat(r.getList("collections", String.class)).containsExactly("docs");
  }
}
