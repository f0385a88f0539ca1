package dev.starling.node.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/** The server parameters getParameter reports, with the values this node runs with. */
public final class ServerParameters {
  private static final Set<String> STARTUP_SETTABLE =
      Set.of(
          "enableTestCommands",
          "cursorTimeoutMillis",
          "logicalSessionTimeoutMinutes",
          dev.starling.node.config.OplogSize.TEST_MINIMUM_PARAMETER);

  private final Map<String, BsonValue> values = new LinkedHashMap<>();

  public ServerParameters(NodeOptions options) {
    values.put("enableTestCommands", BsonBoolean.valueOf(options.testCommandsEnabled()));
    values.put("featureCompatibilityVersion", new BsonDocument("version", new BsonString("6.0")));
    values.put(
        "cursorTimeoutMillis",
        new BsonInt64(
            Long.parseLong(options.setParameters.getOrDefault("cursorTimeoutMillis", "600000"))));
    values.put(
        "logicalSessionTimeoutMinutes",
        new BsonInt32(
            Integer.parseInt(
                options.setParameters.getOrDefault("logicalSessionTimeoutMinutes", "30"))));
    values.put("logLevel", new BsonInt32(0));
    values.put("quiet", BsonBoolean.valueOf(options.quiet));
    values.put("maxBSONDepth", new BsonInt32(200));
    values.put("storageEngine", new BsonString("rocksdb"));
  }

  public static boolean isSettableAtStartup(String name) {
    return STARTUP_SETTABLE.contains(name);
  }

  public Map<String, BsonValue> all() {
    return values;
  }

  public BsonValue get(String name) {
    return values.get(name);
  }

  /** How long a logical session lives unused (mongod's default: 30 minutes). */
  public int logicalSessionTimeoutMinutes() {
    return values.get("logicalSessionTimeoutMinutes").asInt32().getValue();
  }

  public long cursorTimeoutMillis() {
    return values.get("cursorTimeoutMillis").asInt64().getValue();
  }
}
