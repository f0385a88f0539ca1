package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failCommand fail point through the Java driver against a real standalone node, as the
 * drivers' specification tests use it: errors with labels, a closed connection, a blocked
 * connection, a write concern error after the write, an application filter, and counting modes.
 */
class FailCommandIT {
  private static NodeProcess node;
  private static MongoClient client;

  @BeforeAll
  static void start() {
    node = NodeProcess.start("fail-command", "--setParameter", "enableTestCommands=1");
    client = node.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    node.close();
  }

  @AfterEach
  void off() {
    admin(new Document("configureFailPoint", "failCommand").append("mode", "off"));
  }

  private static Document admin(Document command) {
    return client.getDatabase("admin").runCommand(command);
  }

  private static void failCommand(Object mode, Document data) {
    admin(
        new Document("configureFailPoint", "failCommand")
            .append("mode", mode)
            .append("data", data));
  }

  private static MongoCollection<Document> coll() {
    return client.getDatabase("fc").getCollection("docs");
  }

  @Test
  void anErrorCodeFailsTheNamedCommandTheGivenNumberOfTimesWithItsLabels() {
    failCommand(
        new Document("times", 2),
        new Document("failCommands", java.util.List.of("find"))
            .append("errorCode", 91)
            .append("errorLabels", java.util.List.of("RetryableWriteError")));
    coll().insertOne(new Document("_id", 1));
    // runCommand, which the driver never retries (a find() would be retried once on error 91).
    Document find = new Document("find", "docs");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> client.getDatabase("fc").runCommand(find))
          .isInstanceOfSatisfying(
              MongoCommandException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(91);
                assertThat(e.getErrorCodeName()).isEqualTo("ShutdownInProgress");
                assertThat(e.hasErrorLabel("RetryableWriteError")).isTrue();
              });
    }
    assertThat(coll().find().first()).isEqualTo(new Document("_id", 1));
    Document off = admin(new Document("configureFailPoint", "failCommand").append("mode", "off"));
    assertThat(off.get("count", Number.class).intValue()).isEqualTo(2);
  }

  @Test
  void closeConnectionClosesThatConnectionOnlyAndTheNextCommandWorks() {
    failCommand(
        new Document("times", 1),
        new Document("failCommands", java.util.List.of("ping")).append("closeConnection", true));
    assertThatThrownBy(() -> admin(new Document("ping", 1)))
        .isInstanceOf(MongoSocketException.class);
    assertThat(admin(new Document("ping", 1)).get("ok", Number.class).intValue()).isEqualTo(1);
  }

  @Test
  void blockConnectionDelaysTheCommandAtLeastBlockTimeMS() {
    failCommand(
        new Document("times", 1),
        new Document("failCommands", java.util.List.of("ping"))
            .append("blockConnection", true)
            .append("blockTimeMS", 400));
    long start = System.nanoTime();
    admin(new Document("ping", 1));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(400);
  }

  @Test
  void aWriteConcernErrorComesAfterTheWriteIsDone() {
    failCommand(
        new Document("times", 1),
        new Document("failCommands", java.util.List.of("insert"))
            .append(
                "writeConcernError",
                new Document("code", 100).append("errmsg", "UnsatisfiableWriteConcern")));
    assertThatThrownBy(() -> coll().insertOne(new Document("_id", "wce")))
        .isInstanceOfSatisfying(
            MongoWriteConcernException.class,
            e -> assertThat(e.getWriteConcernError().getCode()).isEqualTo(100));
    assertThat(coll().countDocuments(new Document("_id", "wce"))).isEqualTo(1);
  }

  @Test
  void appNameLimitsTheFailPointToThatApplication() {
    failCommand(
        "alwaysOn",
        new Document("failCommands", java.util.List.of("ping"))
            .append("errorCode", 2)
            .append("appName", "victim"));
    admin(new Document("ping", 1));
    try (MongoClient victim =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(node.uri()))
                .applicationName("victim")
                .build())) {
      assertThatThrownBy(() -> victim.getDatabase("admin").runCommand(new Document("ping", 1)))
          .isInstanceOfSatisfying(
              MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(2));
    }
  }

  @Test
  void badSettingsAreRefusedWithBadValue() {
    assertThatThrownBy(
            () ->
                admin(
                    new Document("configureFailPoint", "failCommand")
                        .append("mode", "sometimes")
                        .append("data", new Document("failCommands", java.util.List.of("ping")))))
        .isInstanceOfSatisfying(
            MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(2));
    admin(new Document("ping", 1));
  }
}
