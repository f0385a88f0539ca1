package dev.starling.node.it;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: every insert acknowledged with {j: true} survives a SIGKILL of the node mid-stream,
 * whole, and the collection and its unique index keep working after the restart.
 */
class CrashRecoveryIT {
  private static final int WRITERS = 2;
  private static final int PER_WRITER_RANGE = 1_000_000;

  @TempDir Path dbPath;

  /**
   * The document writer {@code w} inserts as its {@code n}-th: its content is a function of both.
   */
  static Document expected(int id) {
    byte[] blob = new byte[64 + id % 200];
    for (int i = 0; i < blob.length; i++) {
      blob[i] = (byte) (id * 31 + i);
    }
    return new Document("_id", id)
        .append("seq", id)
        .append("text", "document number " + id + " " + "x".repeat(id % 97))
        .append("nested", new Document("even", id % 2 == 0).append("list", List.of(id, -id)))
        .append("blob", new Binary(blob));
  }

  private static MongoClient journaledClient(NodeProcess node) {
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(node.uri()))
            .writeConcern(WriteConcern.JOURNALED)
            .retryWrites(false)
            .applyToClusterSettings(b -> b.serverSelectionTimeout(2, TimeUnit.SECONDS))
            .applyToSocketSettings(
                b -> b.connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS))
            .build());
  }

  @Test
  void acknowledgedJournaledWritesSurviveKill9() throws Exception {
    try (NodeProcess node = NodeProcess.start("crash-recovery", dbPath)) {
      List<ConcurrentLinkedQueue<Integer>> acked = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      // Set before the kill: socket errors can reach a writer before the JVM notices the exit.
      AtomicBoolean killed = new AtomicBoolean();
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();

      try (MongoClient client = journaledClient(node)) {
        MongoCollection<Document> c = client.getDatabase("crash").getCollection("c");
        c.createIndex(Indexes.ascending("seq"), new IndexOptions().unique(true));
        for (int w = 0; w < WRITERS; w++) {
          ConcurrentLinkedQueue<Integer> mine = new ConcurrentLinkedQueue<>();
          acked.add(mine);
          int base = w * PER_WRITER_RANGE;
          writers.add(
              Thread.ofPlatform()
                  .name("writer-" + w)
                  .start(
                      () -> {
                        for (int n = 0; !stop.get(); n++) {
                          try {
                            c.insertOne(expected(base + n));
                          } catch (RuntimeException e) {
                            // The node is gone: this insert and every later one are unacknowledged.
                            if (!killed.get()) {
                              unexpected.set(e);
                            }
                            return;
                          }
                          mine.add(base + n);
                        }
                      }));
        }

        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(20))
            .until(
                () ->
                    unexpected.get() != null
                        || acked.stream().mapToInt(ConcurrentLinkedQueue::size).sum() >= 600);
        assertThat(unexpected.get()).as("writer failure while the node was up").isNull();

        killed.set(true);
        node.kill9();
        assertThat(node.isAlive()).isFalse();
        for (Thread writer : writers) {
          writer.join(Duration.ofSeconds(60));
          assertThat(writer.isAlive()).as(writer.getName() + " stopped").isFalse();
        }
        stop.set(true);
      }
      assertThat(unexpected.get()).as("writer failure while the node was up").isNull();

      node.restart();

      try (MongoClient client = journaledClient(node)) {
        MongoCollection<Document> c = client.getDatabase("crash").getCollection("c");
        Map<Integer, Document> stored = new TreeMap<>();
        for (Document d : c.find().batchSize(500)) {
          stored.put(d.getInteger("_id"), d);
        }
        int ackedTotal = 0;
        for (int w = 0; w < WRITERS; w++) {
          java.util.Set<Integer> mine = new java.util.HashSet<>(acked.get(w));
          ackedTotal += mine.size();
          for (int id : mine) {
            assertThat(stored.get(id)).as("acknowledged document %d", id).isEqualTo(expected(id));
          }
          // Each writer had at most one insert in flight: it may or may not have been applied.
          int next = w * PER_WRITER_RANGE + mine.size();
          for (int id : stored.keySet()) {
            if (id / PER_WRITER_RANGE == w && !mine.contains(id)) {
              assertThat(id).as("unacknowledged document of writer %d", w).isEqualTo(next);
              assertThat(stored.get(id)).isEqualTo(expected(id));
            }
          }
        }
        assertThat(ackedTotal).isGreaterThanOrEqualTo(600);
        assertThat(stored.size()).isBetween(ackedTotal, ackedTotal + WRITERS);
        assertThat(c.countDocuments()).isEqualTo(stored.size());

        // Still usable: writes, reads, and the unique index still enforces uniqueness.
        assertThat(c.listIndexes().into(new ArrayList<>()))
            .extracting(d -> d.getString("name"))
            .contains("_id_", "seq_1");
        Document fresh = new Document("_id", -1).append("seq", -1).append("after", "restart");
        c.insertOne(fresh);
        assertThat(c.find(eq("_id", -1)).first()).isEqualTo(fresh);
        MongoWriteException dup =
            catchThrowableOfType(
                MongoWriteException.class,
                () -> c.insertOne(new Document("_id", -2).append("seq", 0)));
        assertThat(dup.getError().getCode()).isEqualTo(11000);
        assertThat(c.find(eq("seq", 0)).into(new ArrayList<>())).containsExactly(expected(0));
        assertThat(c.find().sort(Sorts.ascending("_id")).first()).isEqualTo(fresh);
      }
      assertThat(node.terminate()).isZero();
    }
  }
}
