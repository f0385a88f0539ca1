package dev.starling.node.repl;

import dev.starling.node.storage.RocksStorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * For tests: the coordinator of member localhost:27017 of set "rs0", started on its own storage in
 * {@code dir} (not initiated: no config yet), with an applier that applies nothing. Closing it
 * closes both.
 */
public final class OneMemberSet implements AutoCloseable {
  public final RocksStorageEngine engine;
  public final ReplicationCoordinator coordinator;

  private OneMemberSet(RocksStorageEngine engine, ReplicationCoordinator coordinator) {
    this.engine = engine;
    this.coordinator = coordinator;
  }

  public static OneMemberSet start(Path dir) {
    OplogWriter oplog = new OplogWriter(Clock.systemUTC());
    RocksStorageEngine engine = RocksStorageEngine.open(dir, oplog);
    ReplicationCoordinator coordinator =
        new ReplicationCoordinator(
            "rs0",
            List.of("localhost:27017"),
            host -> false,
            engine,
            oplog,
            batch -> {},
            dir,
            Clock.systemUTC());
    coordinator.start();
    return new OneMemberSet(engine, coordinator);
  }

  @Override
  public void close() {
    coordinator.close();
    engine.close();
  }
}
