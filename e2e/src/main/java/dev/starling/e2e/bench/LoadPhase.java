package dev.starling.e2e.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Runs one operation in a closed loop on N threads for a fixed time and records the latency of
 * every operation. The first failing operation stops the phase and becomes its error.
 */
final class LoadPhase {

  /** Makes the operation one client thread runs in a loop; it may keep per-thread state. */
  @FunctionalInterface
  interface OpFactory {
    Op forThread(int thread);
  }

  /** One operation: throws if the server failed or answered wrongly. */
  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  /** Latencies above this are recorded as this; no operation should take a minute. */
  private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** How long past its end a phase may take for its last operations before it is called hung. */
  static final Duration GRACE = Duration.ofSeconds(40);

  private LoadPhase() {}

  /**
   * Runs the phase and returns its result. Throws only if client threads are still stuck {@link
   * #GRACE} after the end, which means the server hangs and the run cannot go on.
   */
  static PhaseResult run(String name, int threads, Duration duration, OpFactory factory)
      throws BenchmarkException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    Histogram[] histograms = new Histogram[threads];
    long[] ops = new long[threads];
    long[] ends = new long[threads];
    List<Thread> workers = new ArrayList<>(threads);
    long[] startNanos = new long[1];

    for (int t = 0; t < threads; t++) {
      int thread = t;
      Op op = factory.forThread(thread);
      Histogram histogram = new Histogram(MAX_LATENCY_NANOS, 3);
      histograms[t] = histogram;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                long deadline = startNanos[0] + duration.toNanos();
                long count = 0;
                long now = System.nanoTime();
                while (now < deadline && !stop.get()) {
                  try {
                    op.run();
                  } catch (Throwable e) {
                    if (firstError.compareAndSet(null, describe(e))) {
                      stop.set(true);
                    }
                    break;
                  }
                  long after = System.nanoTime();
                  histogram.recordValue(Math.min(after - now, MAX_LATENCY_NANOS));
                  count++;
                  now = after;
                }
                ops[thread] = count;
                ends[thread] = System.nanoTime();
              },
              "bench-" + name + "-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }

    startNanos[0] = System.nanoTime();
    start.countDown();
    long joinDeadline = startNanos[0] + duration.toNanos() + GRACE.toNanos();
    for (Thread worker : workers) {
      long left = joinDeadline - System.nanoTime();
      try {
        if (left > 0) {
          worker.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkException("interrupted while running " + name, e);
      }
      if (worker.isAlive()) {
        stop.set(true);
        throw new BenchmarkException(
            name
                + ": client threads still blocked "
                + GRACE.toSeconds()
                + " s after the end of the phase; the server seems to hang");
      }
    }

    if (firstError.get() != null) {
      return PhaseResult.failed(firstError.get());
    }
    Histogram all = new Histogram(MAX_LATENCY_NANOS, 3);
    long total = 0;
    long lastEnd = startNanos[0];
    for (int t = 0; t < threads; t++) {
      all.add(histograms[t]);
      total += ops[t];
      lastEnd = Math.max(lastEnd, ends[t]);
    }
    if (total == 0) {
      return PhaseResult.failed("no operation completed");
    }
    double seconds = (lastEnd - startNanos[0]) / 1e9;
    return new PhaseResult(
        total,
        seconds,
        all.getValueAtPercentile(50),
        all.getValueAtPercentile(99),
        /* error= */ null);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    message = message == null ? "" : message.replaceAll("\\s+", " ").strip();
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }
}
