package dev.starling.e2e.local;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one long-lived platform thread that starts every child of the supervisor. Linux delivers a
 * child's parent-death signal ({@code setpriv --pdeathsig}) when the <em>thread</em> that forked it
 * ends, not the process; so every fork happens here, and this thread never ends before the JVM: a
 * failed start is handed back to the caller and the loop goes on.
 */
final class Spawner {
  private final BlockingQueue<FutureTask<Process>> starts = new LinkedBlockingQueue<>();

  Spawner() {
    Thread.ofPlatform().name("spawner").daemon(true).start(this::loop);
  }

  Process start(ProcessBuilder builder) throws IOException {
    FutureTask<Process> task = new FutureTask<>(builder::start);
    starts.add(task);
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("starting " + builder.command() + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + builder.command().get(0), e);
    }
  }

  @SuppressWarnings("InfiniteLoopStatement")
  private void loop() {
    while (true) {
      try {
        starts.take().run(); // FutureTask.run keeps every exception in the task
      } catch (InterruptedException e) {
        // Nobody should interrupt this thread; ending it would kill every child.
      }
    }
  }
}
