package dev.starling.e2e.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One writer's history as the fault-scenario writers record it (the Java {@code
 * dev.starling.e2e.faults.HistoryWriter} and {@code faults/history-writer.py}): one JSON line per
 * insert attempt, in the order they were made. docs/FAULTS.md describes the format.
 */
record WriteHistory(String writer, List<WriteHistory.Attempt> attempts) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One insert: its _id, when it was sent and when it ended (epoch milliseconds), whether it was
   * acknowledged and by which member, and for a failure the exception type and the server's error
   * code and name.
   */
  record Attempt(
      long id,
      double sent,
      double ended,
      boolean ok,
      String server,
      String error,
      Integer code,
      String codeName) {

    /** The error as reported: the type, with the server's code and name when there is one. */
    String errorKind() {
      if (code == null) {
        return error;
      }
      return error + "(" + code + (codeName == null ? "" : " " + codeName) + ")";
    }
  }

  /**
   * What one writer's history says against the documents the set holds at the end of a scenario.
   *
   * @param acked acknowledged inserts
   * @param lost acknowledged inserts whose document is missing (must be none)
   * @param duplicated _ids the set holds more than once (must be none)
   * @param failed attempts that ended in an error (the errors a client saw)
   * @param failedButPresent failed attempts whose document is there anyway (the write was applied
   *     and committed, only its acknowledgement was lost: allowed)
   * @param unknownPresent documents with an _id this writer never attempted (must be none)
   * @param errors failed attempts by {@link Attempt#errorKind()}
   * @param longestGapMillis the longest time between two successive acknowledgements that ends
   *     after the fault began (the last one counted up to the window's end)
   * @param gapStart when that gap began (epoch milliseconds)
   */
  record Report(
      String writer,
      int attempts,
      int acked,
      List<Long> lost,
      List<Long> duplicated,
      int failed,
      int failedButPresent,
      List<Long> unknownPresent,
      Map<String, Integer> errors,
      double longestGapMillis,
      double gapStart) {}

  /** Reads a history file; a missing file is an empty history. */
  static WriteHistory read(String writer, Path file) throws IOException {
    List<Attempt> attempts = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      lines = List.of();
    }
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        continue; // a last line cut short by a writer killed mid-write
      }
      boolean ok = n.path("ok").asBoolean();
      attempts.add(
          new Attempt(
              n.get("id").asLong(),
              n.get("sent").asDouble(),
              n.get(ok ? "acked" : "failed").asDouble(),
              ok,
              ok && n.path("server").isTextual() ? n.get("server").asText() : null,
              ok ? null : n.path("error").asText(),
              ok || !n.path("code").isNumber() ? null : n.get("code").asInt(),
              ok || !n.path("codeName").isTextual() ? null : n.get("codeName").asText()));
    }
    return new WriteHistory(writer, List.copyOf(attempts));
  }

  int acked() {
    return (int) attempts.stream().filter(Attempt::ok).count();
  }

  /** Acknowledgements that ended after {@code millis}. */
  int ackedAfter(double millis) {
    return (int) attempts.stream().filter(a -> a.ok() && a.ended() > millis).count();
  }

  /** Acknowledgements by {@code server} (host:port) that ended after {@code millis}. */
  int ackedAfter(double millis, String server) {
    return (int)
        attempts.stream()
            .filter(a -> a.ok() && a.ended() > millis && server.equals(a.server()))
            .count();
  }

  /**
   * Checks the history against {@code present}, every _id the set holds in this writer's collection
   * (one entry per document), for the window from the fault ({@code faultAt}) to when the writer
   * was told to stop ({@code end}).
   */
  Report check(Collection<Long> present, double faultAt, double end) {
    Map<Long, Integer> copies = new HashMap<>();
    for (Long id : present) {
      copies.merge(id, 1, Integer::sum);
    }
    List<Long> lost = new ArrayList<>();
    int failedButPresent = 0;
    Set<Long> attempted = new HashSet<>();
    Map<String, Integer> errors = new TreeMap<>();
    List<Double> acks = new ArrayList<>();
    for (Attempt a : attempts) {
      attempted.add(a.id());
      if (a.ok()) {
        acks.add(a.ended());
        if (!copies.containsKey(a.id())) {
          lost.add(a.id());
        }
      } else {
        errors.merge(a.errorKind(), 1, Integer::sum);
        if (copies.containsKey(a.id())) {
          failedButPresent++;
        }
      }
    }
    List<Long> duplicated =
        copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    List<Long> unknown = copies.keySet().stream().filter(id -> !attempted.contains(id)).toList();

    acks.sort(Double::compare);
    double longest = 0;
    double gapStart = Double.NaN;
    for (int i = 1; i < acks.size(); i++) {
      double from = acks.get(i - 1);
      double to = acks.get(i);
      if (to > faultAt && to <= end && to - from > longest) {
        longest = to - from;
        gapStart = from;
      }
    }
    if (!acks.isEmpty()) {
      double last = acks.get(acks.size() - 1);
      if (last < end && end > faultAt && end - last > longest) {
        longest = end - last;
        gapStart = last;
      }
    } else {
      longest = end - faultAt;
      gapStart = faultAt;
    }
    return new Report(
        writer,
        attempts.size(),
        acks.size(),
        List.copyOf(lost),
        duplicated,
        attempts.size() - acks.size(),
        failedButPresent,
        unknown,
        errors,
        longest,
        gapStart);
  }
}
