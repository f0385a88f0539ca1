package dev.starling.node.spec;

import dev.starling.node.spec.SpecResult.Status;
import dev.starling.node.spec.SpecResult.TestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * Runs the tests of one unified-format file against the deployment. Each test runs on the first of
 * replicaset, single whose requirements (the file's and the test's) it meets, so a file that allows
 * both runs once, on the replica set; a test that fits neither is not applicable with the reason. A
 * test that takes longer than {@link #TEST_TIMEOUT} fails and has its clients closed.
 */
final class UnifiedTestRunner implements AutoCloseable {
  static final Duration TEST_TIMEOUT = Duration.ofSeconds(30);

  private final Deployment deployment;
  private final Requirements requirements;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  UnifiedTestRunner(Deployment deployment) {
    this.deployment = deployment;
    this.requirements = new Requirements(deployment);
  }

  /** Whether a JSON file is in the unified format (it declares a schema version). */
  static boolean isUnified(Path file) {
    return read(file).containsKey("schemaVersion");
  }

  static BsonDocument read(Path file) {
    try {
      return BsonDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  SpecResult run(String name, Path path) {
    BsonDocument file = read(path);
    String version = file.getString("schemaVersion").getValue();
    if (!version.startsWith("1.")) {
      return SpecResult.of(
          name, List.of(new TestResult("(file)", Status.FAIL, "schema " + version, null, 0)));
    }
    BsonArray fileRequirements = file.getArray("runOnRequirements", null);
    List<TestResult> results = new ArrayList<>();
    for (var value : file.getArray("tests")) {
      BsonDocument test = value.asDocument();
      String description = test.getString("description", new BsonString("?")).getValue();
      if (test.containsKey("skipReason")) {
        results.add(
            new TestResult(
                description,
                Status.NOT_APPLICABLE,
                "skipped by the file: " + test.getString("skipReason").getValue(),
                null,
                0));
        continue;
      }
      Topology chosen = null;
      List<String> reasons = new ArrayList<>();
      for (Topology topology : Topology.values()) {
        String reason = requirements.unmetReason(fileRequirements, topology);
        if (reason == null) {
          reason = requirements.unmetReason(test.getArray("runOnRequirements", null), topology);
        }
        if (reason == null) {
          chosen = topology;
          break;
        }
        reasons.add(topology.specName + ": " + reason);
      }
      if (chosen == null) {
        results.add(
            new TestResult(
                description, Status.NOT_APPLICABLE, String.join("; ", reasons), null, 0));
        continue;
      }
      results.add(runTest(file, test, description, chosen));
    }
    return SpecResult.of(name, results);
  }

  private TestResult runTest(
      BsonDocument file, BsonDocument test, String description, Topology topology) {
    TestExecution execution = new TestExecution(deployment, topology);
    long start = System.nanoTime();
    Future<?> future = executor.submit(() -> execution.run(file, test));
    try {
      future.get(TEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new TestResult(description, Status.PASS, "", topology, since(start));
    } catch (TimeoutException e) {
      future.cancel(true);
      return new TestResult(
          description,
          Status.FAIL,
          "timed out after " + TEST_TIMEOUT.toSeconds() + " s",
          topology,
          since(start));
    } catch (ExecutionException e) {
      return new TestResult(
          description, Status.FAIL, oneLine(e.getCause()), topology, since(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      try {
        execution.close();
      } catch (RuntimeException e) {
        // Cleaning up after a test must not hide its verdict.
      }
    }
  }

  private static long since(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static String oneLine(Throwable error) {
    String message =
        error instanceof AssertionError || error instanceof Unsupported
            ? String.valueOf(error.getMessage())
            : ErrorCheck.describe(error);
    message = message.replace('\n', ' ').replace('|', '/');
    return message.length() > 400 ? message.substring(0, 400) + "..." : message;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
