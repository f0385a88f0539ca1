package dev.starling.node.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.it.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB drivers' unified-format specification tests, run through the Java driver against one
 * standalone node and one three-member replica set started once for the whole class. Each suite
 * writes {@code target/spec-report/<suite>.md}; the committed lists under {@code
 * src/test/resources/spec} form a ratchet (see {@link Ratchet}).
 */
class UnifiedSpecIT {
  private static Path specTests;
  private static Deployment deployment;
  private static UnifiedTestRunner runner;
  private static Ratchet ratchet;

  @BeforeAll
  static void start() {
    String property = System.getProperty("starling.spec-tests");
    specTests =
        property != null
            ? Path.of(property)
            : Path.of("").toAbsolutePath().getParent().resolve("../shared/spec-tests").normalize();
    if (!Files.isDirectory(specTests)) {
      return;
    }
    ratchet = Ratchet.load();
    deployment = Deployment.start();
    runner = new UnifiedTestRunner(deployment);
  }

  /**
   * Without the data every test is skipped with a message saying where it looked (an assumption in
   * {@code @BeforeAll} would be reported as zero tests run, which reads like a pass).
   */
  @BeforeEach
  void requireData() {
    Assumptions.assumeTrue(
        Files.isDirectory(specTests),
        "spec test data not found at "
            + specTests.toAbsolutePath()
            + "; set -Dstarling.spec-tests=<dir> to the spec-tests checkout");
  }

  @AfterAll
  static void stop() {
    if (runner != null) {
      runner.close();
    }
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  void retryableWrites() {
    runSuite("retryable-writes/tests/unified", true);
  }

  @Test
  void retryableReads() {
    runSuite("retryable-reads/tests/unified", true);
  }

  @Test
  void sessions() {
    runSuite("sessions/tests", true);
  }

  @Test
  void readWriteConcern() {
    runSuite("read-write-concern/tests/operation", true);
  }

  @Test
  void crud() {
    runSuite("crud/tests/unified", false);
  }

  private static void runSuite(String suite, boolean targeted) {
    long start = System.nanoTime();
    List<SpecResult> results = new ArrayList<>();
    for (Path file : files(specTests.resolve(suite))) {
      results.add(runner.run(file.getFileName().toString(), file));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    Path report =
        SpecReport.write(
            NodeProcess.jar().getParent().resolve("spec-report"), suite, results, millis);
    System.out.println("[spec] " + SpecReport.summary(suite, results, millis) + " -> " + report);
    for (String file : ratchet.newlyPassing(suite, results)) {
      System.out.println("[spec] now passing, add to passing.txt: " + file);
    }
    assertThat(ratchet.violations(suite, results, targeted)).isEmpty();
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> paths = Files.list(dir)) {
      return paths
          .filter(p -> p.toString().endsWith(".json"))
          .filter(UnifiedTestRunner::isUnified)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
