package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * What a fault scenario left behind, checked from inside the cluster: every member asked directly
 * ({@code faults/member-state.py}) until all have applied the same last optime, their {@code
 * dbHash} compared, and every writer's history checked against the _ids the primary holds, read
 * with read concern majority ({@code faults/read-ids.py}).
 */
final class HistoryChecker {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One member as it answered, or with {@code error} when it did not. */
  record Member(
      String host,
      String error,
      int state,
      boolean writablePrimary,
      String primary,
      long term,
      List<Long> applied,
      String dbHash) {

    boolean answered() {
      return error == null;
    }

    /** PRIMARY or SECONDARY. */
    boolean serving() {
      return answered() && (state == 1 || state == 2);
    }

    String pod() {
      return host.substring(0, host.indexOf('.'));
    }
  }

  /**
   * The members once converged (equal last applied optime, with their dbHash) and how long that
   * took, each writer's report by collection, and the documents members saved when rolling back.
   */
  record Result(
      Map<String, Member> members,
      long convergedMillis,
      Map<String, WriteHistory.Report> writers,
      Map<String, List<Long>> rolledBack) {}

  private final LocalCluster cluster;
  private final List<String> hosts;
  private final String uri;
  private final String db;

  HistoryChecker(LocalCluster cluster, List<String> hosts, String uri, String db) {
    this.cluster = cluster;
    this.hosts = List.copyOf(hosts);
    this.uri = uri;
    this.db = db;
  }

  /** Every member's own view; with {@code withDbHash} also the dbHash of the test database. */
  Map<String, Member> members(boolean withDbHash) throws IOException, InterruptedException {
    return members(hosts, withDbHash);
  }

  /** The view of {@code only} these members (say, all but a paused one, which would not answer). */
  Map<String, Member> members(List<String> only, boolean withDbHash)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                cluster.venvPython().toString(),
                script("member-state.py"),
                String.join(",", only)));
    if (withDbHash) {
      command.add(db);
    }
    JsonNode view = JSON.readTree(cluster.exec(command.toArray(String[]::new)).assertOk().out());
    Map<String, Member> out = new LinkedHashMap<>();
    for (String host : only) {
      JsonNode m = view.path(host);
      if (m.has("error") || m.isMissingNode()) {
        out.put(
            host,
            new Member(host, m.path("error").asText("no answer"), 0, false, null, 0, null, null));
        continue;
      }
      List<Long> applied = new ArrayList<>();
      m.path("applied").forEach(n -> applied.add(n.asLong()));
      out.put(
          host,
          new Member(
              host,
              null,
              m.path("state").asInt(),
              m.path("writablePrimary").asBoolean(),
              m.path("primary").isTextual() ? m.get("primary").asText() : null,
              m.path("term").asLong(),
              applied,
              m.path("dbHash").isTextual() ? m.get("dbHash").asText() : null));
    }
    return out;
  }

  /**
   * Waits (bounded) until every member serves and all have applied the same last optime, then
   * returns that view with each member's dbHash; the caller asserts the hashes.
   */
  Map<String, Member> awaitConverged(Duration atMost) {
    AtomicReference<Map<String, Member>> last = new AtomicReference<>();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, Member> view = members(true);
              last.set(view);
              assertThat(view.values()).as("members: %s", view).allMatch(Member::serving);
              assertThat(view.values().stream().map(Member::applied).distinct())
                  .as("last applied optimes: %s", view)
                  .hasSize(1);
            });
    return last.get();
  }

  /** Every _id the primary holds in each collection, read with read concern majority. */
  Map<String, List<Long>> ids(List<String> collections) throws IOException, InterruptedException {
    JsonNode all =
        JSON.readTree(
            cluster
                .exec(
                    cluster.venvPython().toString(),
                    script("read-ids.py"),
                    uri,
                    db,
                    String.join(",", collections))
                .assertOk()
                .out());
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (String c : collections) {
      List<Long> ids = new ArrayList<>();
      all.path(c).forEach(n -> ids.add(n.asLong()));
      out.put(c, ids);
    }
    return out;
  }

  /**
   * Waits for the members to converge, then checks each writer's history (by collection) over the
   * window from {@code faultAt} to {@code end}. Asserts nothing about the writes itself: the
   * scenario asserts on the result.
   */
  Result check(Map<String, WriteHistory> histories, double faultAt, double end)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    Map<String, Member> members = awaitConverged(Duration.ofSeconds(90));
    long convergedMillis = (System.nanoTime() - started) / 1_000_000;
    Map<String, List<Long>> ids = ids(new ArrayList<>(histories.keySet()));
    Map<String, WriteHistory.Report> reports = new LinkedHashMap<>();
    histories.forEach((c, h) -> reports.put(c, h.check(ids.get(c), faultAt, end)));
    Map<String, List<Long>> rolledBack = new TreeMap<>();
    for (String c : histories.keySet()) {
      rolledBack.put(c, rolledBack(cluster.stateDir(), db + "." + c));
    }
    return new Result(members, convergedMillis, reports, rolledBack);
  }

  /**
   * The _ids of the documents members saved when rolling back {@code ns} (starling-node writes them
   * as BSON to {@code <dbpath>/rollback/<ns>/removed.<time>.bson}; the local volumes live under the
   * kubelet's state).
   */
  static List<Long> rolledBack(Path stateDir, String ns) throws IOException {
    Path volumes = stateDir.resolve("kubelet/volumes/pvc");
    List<Long> ids = new ArrayList<>();
    if (!Files.isDirectory(volumes)) {
      return ids;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(volumes)) {
      files =
          s.map(v -> v.resolve("rollback").resolve(ns))
              .filter(Files::isDirectory)
              .flatMap(HistoryChecker::list)
              .filter(f -> f.getFileName().toString().endsWith(".bson"))
              .toList();
    }
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      int at = 0;
      while (at + 4 <= bytes.length) {
        int length = ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (length < 5 || at + length > bytes.length) {
          break;
        }
        BsonValue id = new RawBsonDocument(bytes, at, length).get("_id");
        if (id != null && id.isNumber()) {
          ids.add(id.asNumber().longValue());
        }
        at += length;
      }
    }
    return ids;
  }

  private static Stream<Path> list(Path dir) {
    try {
      return Files.list(dir).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
  }

  /**
   * The path of a script under {@code src/test/resources/faults}, for running it in the cluster.
   */
  static String script(String name) {
    try {
      return Path.of(HistoryChecker.class.getResource("/faults/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
