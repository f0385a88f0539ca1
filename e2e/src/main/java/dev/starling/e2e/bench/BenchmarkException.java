package dev.starling.e2e.bench;

/** A failure that ends the benchmark run with a message meant for the person running it. */
final class BenchmarkException extends Exception {
  BenchmarkException(String message) {
    super(message);
  }

  BenchmarkException(String message, Throwable cause) {
    super(message, cause);
  }
}
