package dev.starling.node.config;

/** The --help text. */
public final class Usage {
  public static final String TEXT =
      """
      Usage: java -jar starling-node.jar [options]

      A MongoDB 6.0-compatible database node on RocksDB. Flags follow mongod's names and defaults.

        --port N                 wire protocol port (default 27017)
        --bind_ip A[,B...]       addresses to listen on (default 127.0.0.1)
        --bind_ip_all            listen on all addresses
        --dbpath DIR             data directory, which must exist (default /data/db)
        --httpPort N             /healthz, /readyz and /metrics (default port + 1000)
        --config, -f FILE        mongod.conf-style YAML (net.port, net.bindIp, storage.dbPath, ...)
        --setParameter N=V       server parameter, e.g. enableTestCommands=1
        --replSet NAME           run as a member of replica set NAME
        --oplogSize MB           oplog size for a new oplog (default 5% of free disk, 990 MB
                                 to 50 GB); replSetResizeOplog changes it live
        --oplogMinRetentionHours H  keep oplog entries at least H hours (default 0)
        --quiet                  log less
        --version, --help

      Not supported yet (refused): --keyFile.
      """;

  private Usage() {}
}
