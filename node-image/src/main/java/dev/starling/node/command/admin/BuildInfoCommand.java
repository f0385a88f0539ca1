package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.util.Version;
import dev.starling.node.wire.WireLimits;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/** buildInfo: the MongoDB level implemented (6.0.0) and Starling's own version. */
public final class BuildInfoCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("buildInfo", "buildinfo");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public boolean allowedOverOpQuery() {
    return true;
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonArray versionArray = new BsonArray();
    for (int part : new int[] {6, 0, 0, 0}) {
      versionArray.add(new BsonInt32(part));
    }
    return new BsonDocument("version", new BsonString("6.0.0"))
        .append("gitVersion", new BsonString("starling-" + Version.STARLING))
        .append("versionArray", versionArray)
        .append("starling", new BsonString(Version.STARLING))
        .append("javascriptEngine", new BsonString("none"))
        .append("sysInfo", new BsonString("deprecated"))
        .append("bits", new BsonInt32(64))
        .append("debug", BsonBoolean.FALSE)
        .append("maxBsonObjectSize", new BsonInt32(WireLimits.MAX_BSON_OBJECT_SIZE))
        .append("storageEngines", new BsonArray(List.of(new BsonString("rocksdb"))))
        .append("modules", new BsonArray())
        .append("openssl", new BsonDocument("running", new BsonString("disabled")))
        .append("buildEnvironment", new BsonDocument("target_os", new BsonString("linux")));
  }
}
