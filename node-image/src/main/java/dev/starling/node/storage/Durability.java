package dev.starling.node.storage;

/** How durable a write must be before it is acknowledged. */
public enum Durability {
  /**
   * Written to the WAL (survives a process crash, not a power loss): mongod's default w:1
   * journaling.
   */
  WRITTEN,
  /** The WAL synced to disk before the acknowledgement ({@code j: true}). */
  SYNCED
}
