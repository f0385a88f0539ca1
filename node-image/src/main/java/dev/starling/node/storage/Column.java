package dev.starling.node.storage;

/** The RocksDB column families of a node. */
public enum Column {
  CATALOG("catalog"),
  RECORDS("records"),
  INDEXES("indexes"),
  COUNTERS("counters"),
  OPLOG("oplog"),
  LOCAL("local");

  private final String familyName;

  Column(String familyName) {
    this.familyName = familyName;
  }

  public String familyName() {
    return familyName;
  }
}
