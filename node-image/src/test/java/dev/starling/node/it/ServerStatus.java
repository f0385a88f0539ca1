package dev.starling.node.it;

import com.mongodb.client.MongoClient;
import org.bson.Document;

/** What tests read from a node's serverStatus. */
final class ServerStatus {
  private ServerStatus() {}

  /** {@code metrics.cursor.open.total}: the cursors the node holds open. */
  static long openCursors(MongoClient client) {
    Document status = client.getDatabase("admin").runCommand(new Document("serverStatus", 1));
    Document open =
        status
            .get("metrics", Document.class)
            .get("cursor", Document.class)
            .get("open", Document.class);
    return ((Number) open.get("total")).longValue();
  }
}
