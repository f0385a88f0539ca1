package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.util.ProcessMemory;
import java.util.List;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/** hostInfo: the machine the node runs on. */
public final class HostInfoCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("hostInfo");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return new BsonDocument(
            "system",
            new BsonDocument("currentTime", new BsonDateTime(context.node().clock().millis()))
                .append("hostname", new BsonString(context.node().me()))
                .append("cpuAddrSize", new BsonInt32(64))
                .append("memSizeMB", new BsonInt64(ProcessMemory.totalMemoryBytes() >> 20))
                .append("numCores", new BsonInt32(Runtime.getRuntime().availableProcessors()))
                .append("cpuArch", new BsonString(System.getProperty("os.arch")))
                .append("numaEnabled", org.bson.BsonBoolean.FALSE))
        .append(
            "os",
            new BsonDocument("type", new BsonString(System.getProperty("os.name")))
                .append("name", new BsonString(System.getProperty("os.name")))
                .append("version", new BsonString(System.getProperty("os.version"))))
        .append(
            "extra",
            new BsonDocument("javaVersion", new BsonString(System.getProperty("java.version"))));
  }
}
