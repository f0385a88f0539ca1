package dev.starling.node.spec;

import java.util.List;

/** What the runner concluded about one test file and each of its tests. */
record SpecResult(String file, Status status, String message, List<TestResult> tests) {
  /** A verdict; "not applicable" carries the reason, "fail" the first failure. */
  enum Status {
    PASS("pass"),
    FAIL("fail"),
    NOT_APPLICABLE("n/a");

    final String label;

    Status(String label) {
      this.label = label;
    }
  }

  /** One test of a file, run on {@code topology} (null when it did not run). */
  record TestResult(
      String description, Status status, String message, Topology topology, long millis) {}

  /** A file's verdict from its tests': any failure fails it, one pass with no failure passes. */
  static SpecResult of(String file, List<TestResult> tests) {
    for (TestResult test : tests) {
      if (test.status() == Status.FAIL) {
        return new SpecResult(file, Status.FAIL, test.description() + ": " + test.message(), tests);
      }
    }
    for (TestResult test : tests) {
      if (test.status() == Status.PASS) {
        return new SpecResult(file, Status.PASS, "", tests);
      }
    }
    String reason = tests.isEmpty() ? "no tests" : tests.get(0).message();
    return new SpecResult(file, Status.NOT_APPLICABLE, reason, tests);
  }
}
