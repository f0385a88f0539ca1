package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PyMongo (Debian's python3-pymongo) against the node: CRUD, cursors, unique index, aggregate. */
class PyMongoIT {
  /** The system Python, which has PyMongo installed; never whatever python3 is first on PATH. */
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path work;

  @Test
  void pymongoScript() throws Exception {
    Path script = work.resolve("pymongo_crud.py");
    try (InputStream in = PyMongoIT.class.getResourceAsStream("/it/pymongo_crud.py")) {
      Files.copy(in, script);
    }
    try (NodeProcess node = NodeProcess.start("pymongo")) {
      ClientRun run =
          ClientRun.run(
              "pymongo-script",
              List.of(PYTHON, script.toString(), Integer.toString(node.port())),
              Map.of("PYTHONDONTWRITEBYTECODE", "1"),
              work);

      assertThat(run.exitCode()).as(run.toString()).isZero();
      Document r = run.result();
      assertThat(r.getString("pymongo")).startsWith("3.");

      assertThat(r.getList("insertedIds", Integer.class)).containsExactly(2, 3, 4);
      assertThat(r.getList("namesByAge", String.class)).containsExactly("grace", "edsger", "alan");
      assertThat(r.getList("updateOne", Integer.class)).containsExactly(1, 1);
      assertThat(r.getList("updateMany", Integer.class)).containsExactly(2, 2);
      assertThat(r.getInteger("upsertedId")).isEqualTo(9);
      assertThat(r.get("ada", Document.class))
          .isEqualTo(
              new Document("_id", 1)
                  .append("name", "ada")
                  .append("age", 37)
                  .append("tags", List.of("first")));
      assertThat(r.getList("ages", Integer.class)).containsExactly(86, 73);
      assertThat(r.getInteger("deleted")).isEqualTo(2);
      assertThat(r.getList("remaining", Integer.class)).containsExactly(2, 4, 9);
      assertThat(r.getInteger("count")).isEqualTo(3);

      assertThat(r.getInteger("cursorTotal")).isEqualTo(1000);
      assertThat(r.getInteger("cursorDistinct")).isEqualTo(1000);
      assertThat(r.getList("skipLimit", Integer.class)).containsExactly(989, 988, 987);

      assertThat(r.getString("indexName")).isEqualTo("email_1");
      assertThat(r.getInteger("duplicateKeyError")).isEqualTo(11000);
      Document bulk = r.get("bulkError", Document.class);
      assertThat(bulk).as("ordered insert_many with a duplicate raised BulkWriteError").isNotNull();
      assertThat(bulk.getInteger("nInserted")).isEqualTo(1);
      assertThat(bulk.getList("errors", List.class)).containsExactly(List.of(1, 11000));
      assertThat(r.getList("users", Integer.class)).containsExactly(1, 3);
      assertThat(r.getList("indexes", String.class)).containsExactly("_id_", "email_1");

      assertThat(r.getList("aggregate", Document.class))
          .containsExactly(
              new Document("_id", "pad").append("qty", 4).append("revenue", 8.0),
              new Document("_id", "ink").append("qty", 1).append("revenue", 7.0),
              new Document("_id", "pen").append("qty", 2).append("revenue", 3.0));
    }
  }
}
