package dev.starling.node.repl;

import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.time.Clock;

/**
 * Group commit for the replication positions: whenever entries were written since the last sync,
 * one {@link StorageEngine#waitUntilDurable} makes the journal durable for all of them, and the
 * coordinator then counts them as durable, which the majority commit point and {@code j} write
 * concerns need.
 */
final class JournalFlusher {
  private static final long SLOW_MILLIS = 500;

  /** The coordinator's side; both calls take its lock. */
  interface Positions {
    boolean closed();

    /** The last applied OpTime if it is ahead of the durable one, else null. */
    OpTime notYetDurable();

    /** The WAL is synced through {@code opTime}. */
    void durableThrough(OpTime opTime);
  }

  private final Positions positions;
  private final StorageEngine storage;
  private final Clock clock;
  private final ProgressSignal written = new ProgressSignal();

  JournalFlusher(Positions positions, StorageEngine storage, Clock clock) {
    this.positions = positions;
    this.storage = storage;
    this.clock = clock;
  }

  void start() {
    Thread.ofVirtual().name("repl-journal-flusher").start(this::run);
  }

  /** An entry was written (or the coordinator closed): the flusher looks again. */
  void wake() {
    written.signal();
  }

  private void run() {
    while (!positions.closed()) {
      long seen = written.version();
      OpTime target = positions.notYetDurable();
      if (target == null) {
        try {
          written.await(seen, 1000);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      try {
        long start = clock.millis();
        storage.waitUntilDurable();
        if (clock.millis() - start >= SLOW_MILLIS) {
          Log.info("slow journal sync: %d ms", clock.millis() - start);
        }
      } catch (RuntimeException e) {
        if (positions.closed()) {
          return;
        }
        Log.error(e, "journal sync failed; retrying");
        try {
          Thread.sleep(100); // a failing disk is not retried in a busy loop
        } catch (InterruptedException ie) {
          return;
        }
        continue;
      }
      positions.durableThrough(target);
    }
  }
}
