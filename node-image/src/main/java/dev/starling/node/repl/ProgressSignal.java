package dev.starling.node.repl;

/**
 * A wake-up for one kind of waiter, so that a change wakes only the threads that wait for it rather
 * than every thread waiting on the coordinator. A waiter reads {@link #version()} before checking
 * its condition and passes it to {@link #await}, which returns at once if a signal came in between:
 * no wake-up is lost.
 */
final class ProgressSignal {
  private long version;

  synchronized long version() {
    return version;
  }

  synchronized void signal() {
    version++;
    notifyAll();
  }

  /** Waits up to {@code millis} for a signal after {@code seen}. */
  synchronized void await(long seen, long millis) throws InterruptedException {
    if (version == seen && millis > 0) {
      wait(millis);
    }
  }
}
