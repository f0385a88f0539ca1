package dev.starling.node.spec;

/** The two kinds of deployment the runner can offer a test file, by their unified-format names. */
enum Topology {
  REPLICASET("replicaset"),
  SINGLE("single");

  final String specName;

  Topology(String specName) {
    this.specName = specName;
  }
}
