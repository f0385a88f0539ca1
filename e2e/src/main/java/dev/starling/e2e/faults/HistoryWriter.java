package dev.starling.e2e.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * A continuous {@code w:"majority"} writer that records its history, for the fault scenarios
 * (docs/FAULTS.md). It inserts {@code {_id: n}} with n = 1, 2, 3, ... into one collection, one
 * insert at a time, until a stop file appears or its time is up, and appends one JSON line per
 * attempt to the history file:
 *
 * <pre>
 * {"writer":"java","id":7,"sent":1733364000123.456,"ok":true,"acked":1733364000131.002,"server":"host:port"}
 * {"writer":"java","id":8,"sent":...,"ok":false,"failed":...,"error":"MongoTimeoutException","code":null,"codeName":null,"message":"..."}
 * </pre>
 *
 * Times are epoch milliseconds with microseconds. Every attempt has a fresh _id, so a failed insert
 * (which may or may not have been applied) is never confused with an acknowledged one. Usage:
 *
 * <pre>
 * java -cp ... dev.starling.e2e.faults.HistoryWriter URI DB COLLECTION STOP_FILE HISTORY_FILE [MAX_SECONDS]
 * </pre>
 *
 * The PyMongo twin is {@code e2e/src/test/resources/faults/history-writer.py}; both use the same
 * timeouts (5 s server selection and socket, 4 s wtimeout, so a stopped primary costs an error
 * rather than a hang) and the drivers' defaults otherwise.
 */
public final class HistoryWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pause after a failed attempt, so that a set without a primary does not make it spin. */
  private static final long RETRY_PAUSE_MILLIS = 50;

  private HistoryWriter() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 5 || args.length > 6) {
      System.err.println(
          "usage: HistoryWriter URI DB COLLECTION STOP_FILE HISTORY_FILE [MAX_SECONDS]");
      System.exit(2);
    }
    String uri = args[0];
    Path stopFile = Path.of(args[3]);
    Path historyFile = Path.of(args[4]);
    long maxSeconds = args.length == 6 ? Long.parseLong(args[5]) : 900;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);

    String[] lastServer = new String[1];
    CommandListener listener =
        new CommandListener() {
          @Override
          public void commandSucceeded(CommandSucceededEvent event) {
            if (event.getCommandName().equals("insert")) {
              lastServer[0] = event.getConnectionDescription().getServerAddress().toString();
            }
          }
        };
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(uri))
            .writeConcern(WriteConcern.MAJORITY.withWTimeout(4, TimeUnit.SECONDS))
            .addCommandListener(listener)
            .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
            .applyToSocketSettings(
                b -> b.connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS))
            .build();
    long attempts = 0;
    long acked = 0;
    try (MongoClient client = MongoClients.create(settings);
        BufferedWriter history =
            Files.newBufferedWriter(
                historyFile,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      MongoCollection<Document> collection = client.getDatabase(args[1]).getCollection(args[2]);
      for (long id = 1; !Files.exists(stopFile) && System.nanoTime() < deadline; id++) {
        attempts++;
        ObjectNode line = JSON.createObjectNode().put("writer", "java").put("id", id);
        line.put("sent", nowMillis());
        lastServer[0] = null;
        boolean ok;
        try {
          collection.insertOne(new Document("_id", id).append("w", "java"));
          line.put("ok", true).put("acked", nowMillis()).put("server", lastServer[0]);
          acked++;
          ok = true;
        } catch (RuntimeException e) {
          line.put("ok", false).put("failed", nowMillis());
          describe(e, line);
          ok = false;
        }
        history.write(JSON.writeValueAsString(line));
        history.newLine();
        history.flush();
        if (!ok) {
          Thread.sleep(RETRY_PAUSE_MILLIS);
        }
      }
    }
    System.out.println("HistoryWriter: " + attempts + " attempts, " + acked + " acknowledged");
  }

  /** The exception's type, the server's error code and name when there is one, and its message. */
  private static void describe(RuntimeException e, ObjectNode line) {
    line.put("error", e.getClass().getSimpleName());
    Integer code = null;
    String codeName = null;
    if (e instanceof MongoWriteConcernException wce) {
      code = wce.getWriteConcernError().getCode();
      codeName = wce.getWriteConcernError().getCodeName();
    } else if (e instanceof MongoWriteException we) {
      code = we.getError().getCode();
    } else if (e instanceof MongoCommandException ce) {
      code = ce.getErrorCode();
      codeName = ce.getErrorCodeName();
    } else if (e instanceof MongoServerException se) {
      code = se.getCode();
    } else if (e instanceof MongoException me && me.getCode() > 0) {
      code = me.getCode();
    }
    line.put("code", code).put("codeName", codeName);
    String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    line.put("message", message.length() > 300 ? message.substring(0, 300) + "..." : message);
  }

  /** Epoch milliseconds with three decimals (microseconds), written without an exponent. */
  private static BigDecimal nowMillis() {
    Instant now = Instant.now();
    return BigDecimal.valueOf(now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000, 3);
  }
}
