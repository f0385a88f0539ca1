package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.NodeServices;
import dev.starling.node.command.OpCounters;
import dev.starling.node.util.ProcessMemory;
import dev.starling.node.util.Version;
import java.time.Duration;
import java.util.List;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * serverStatus: uptime, connections, opcounters, cursor metrics and memory, in mongod's field
 * layout.
 */
public final class ServerStatusCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("serverStatus");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonDocument status = status(context);
    status.putAll(oplogTruncation(context.node()));
    return status;
  }

  private static BsonDocument status(CommandContext context) {
    NodeServices node = context.node();
    long now = node.clock().millis();
    Duration uptime = Duration.ofMillis(now - node.startedAt().toEpochMilli());
    BsonDocument opcounters = new BsonDocument();
    for (OpCounters.Kind kind : OpCounters.Kind.values()) {
      if (kind != OpCounters.Kind.NONE) {
        opcounters.append(kind.field(), new BsonInt64(node.opCounters().get(kind)));
      }
    }
    BsonDocument cursor =
        new BsonDocument("timedOut", new BsonInt64(node.cursors().timedOutCount()))
            .append(
                "open",
                new BsonDocument("noTimeout", new BsonInt64(0))
                    .append("pinned", new BsonInt64(0))
                    .append("total", new BsonInt64(node.cursors().openCount())));
    return new BsonDocument("host", new BsonString(node.me()))
        .append("version", new BsonString("6.0.0"))
        .append("starling", new BsonString(Version.STARLING))
        .append("process", new BsonString("mongod"))
        .append("pid", new BsonInt64(ProcessHandle.current().pid()))
        .append("uptime", new BsonDouble(uptime.toSeconds()))
        .append("uptimeMillis", new BsonInt64(uptime.toMillis()))
        .append("uptimeEstimate", new BsonInt64(uptime.toSeconds()))
        .append("localTime", new BsonDateTime(now))
        .append(
            "connections",
            new BsonDocument("current", new BsonInt32((int) node.connections().current()))
                .append(
                    "available",
                    new BsonInt32(Math.max(0, 1_000_000 - (int) node.connections().current())))
                .append("totalCreated", new BsonInt64(node.connections().totalCreated()))
                .append("active", new BsonInt32((int) node.connections().active())))
        .append("opcounters", opcounters)
        .append(
            "mem",
            new BsonDocument("bits", new BsonInt32(64))
                .append("resident", new BsonInt32((int) (ProcessMemory.residentBytes() >> 20)))
                .append("virtual", new BsonInt32((int) (ProcessMemory.virtualBytes() >> 20)))
                .append("supported", org.bson.BsonBoolean.TRUE))
        .append("metrics", new BsonDocument("cursor", cursor))
        .append(
            "storageEngine",
            new BsonDocument("name", new BsonString("rocksdb"))
                .append("supportsCommittedReads", org.bson.BsonBoolean.FALSE)
                .append("persistent", org.bson.BsonBoolean.TRUE));
  }

  /** mongod's {@code oplogTruncation} section (where the manual says to read the retention). */
  private static BsonDocument oplogTruncation(NodeServices node) {
    var truncator = node.oplogTruncator();
    if (truncator == null) {
      return new BsonDocument();
    }
    return new BsonDocument(
        "oplogTruncation",
        new BsonDocument("totalTimeProcessingMicros", new BsonInt64(0))
            .append("processingMethod", new BsonString("scanning"))
            .append("oplogMinRetentionHours", new BsonDouble(truncator.minRetentionHours()))
            .append(
                "totalTimeTruncatingMicros", new BsonInt64(truncator.totalTimeTruncatingMicros()))
            .append("truncateCount", new BsonInt64(truncator.truncateCount())));
  }
}
