package dev.starling.node.spec;

import dev.starling.node.spec.SpecResult.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The committed expectations: {@code spec/passing.txt} lists files ({@code suite/file.json}) that
 * must pass; {@code spec/expected-failures.txt} lists, for the targeted suites, every applicable
 * file that does not pass yet, with the missing feature ({@code suite/file.json: feature}).
 */
final class Ratchet {
  private final Set<String> passing;
  private final Map<String, String> expectedFailures;

  Ratchet(Set<String> passing, Map<String, String> expectedFailures) {
    this.passing = passing;
    this.expectedFailures = expectedFailures;
  }

  static Ratchet load() {
    Set<String> passing = new LinkedHashSet<>();
    for (String line : lines("spec/passing.txt")) {
      passing.add(line);
    }
    Map<String, String> failures = new LinkedHashMap<>();
    for (String line : lines("spec/expected-failures.txt")) {
      int colon = line.indexOf(": ");
      failures.put(
          colon < 0 ? line : line.substring(0, colon), colon < 0 ? "" : line.substring(colon + 2));
    }
    return new Ratchet(passing, failures);
  }

  private static List<String> lines(String resource) {
    List<String> lines = new ArrayList<>();
    try (InputStream in = Ratchet.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return lines;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          lines.add(trimmed);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /** What breaks the ratchet for one suite; {@code targeted} suites must account for every file. */
  List<String> violations(String suite, List<SpecResult> results, boolean targeted) {
    List<String> problems = new ArrayList<>();
    for (SpecResult r : results) {
      String key = suite + "/" + r.file();
      if (passing.contains(key) && r.status() != Status.PASS) {
        problems.add(key + " is in passing.txt but is " + r.status().label + ": " + r.message());
      }
      if (targeted
          && r.status() == Status.FAIL
          && !passing.contains(key)
          && !expectedFailures.containsKey(key)) {
        problems.add(key + " fails and is not in expected-failures.txt: " + r.message());
      }
    }
    return problems;
  }

  /** Files that pass but are not listed in passing.txt. */
  List<String> newlyPassing(String suite, List<SpecResult> results) {
    List<String> files = new ArrayList<>();
    for (SpecResult r : results) {
      String key = suite + "/" + r.file();
      if (r.status() == Status.PASS && !passing.contains(key)) {
        files.add(key);
      }
    }
    return files;
  }
}
