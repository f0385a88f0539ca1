package dev.starling.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * The node's settings, from mongod-style flags and an optional mongod.conf-style YAML file ({@code
 * --config}); flags given on the command line win over the file. Features that are not built yet
 * are refused rather than ignored.
 */
public final class NodeOptions {
  public int port = 27017;
  public List<String> bindIps = List.of("127.0.0.1");
  public boolean bindIpAll;
  public Path dbPath = Path.of("/data/db");
  public Integer httpPort;
  public String replSetName;
  public Integer oplogSizeMB;
  public Double oplogMinRetentionHours;
  public String keyFile;
  public boolean quiet;
  public final Map<String, String> setParameters = new LinkedHashMap<>();
  public final List<String> argv = new ArrayList<>();
  public boolean help;
  public boolean version;

  /** The HTTP health/metrics port: {@code --httpPort}, else the wire port + 1000. */
  public int httpPort() {
    return httpPort != null ? httpPort : port + 1000;
  }

  public boolean testCommandsEnabled() {
    String v = setParameters.get("enableTestCommands");
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  public static NodeOptions parse(String... args) throws OptionsException {
    NodeOptions options = new NodeOptions();
    options.argv.add("starling-node");
    options.argv.addAll(List.of(args));
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> setParameters = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name;
      String value = null;
      if (arg.equals("-f")) {
        name = "config";
      } else if (arg.startsWith("--")) {
        name = arg.substring(2);
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
      } else if (arg.equals("-h")) {
        name = "help";
      } else {
        throw new OptionsException("Error parsing command line: unrecognised option '" + arg + "'");
      }
      boolean takesValue = !List.of("bind_ip_all", "help", "version", "quiet").contains(name);
      if (takesValue && value == null) {
        if (i + 1 >= args.length) {
          throw new OptionsException(
              "Error parsing command line: the required argument for option '--"
                  + name
                  + "' is missing");
        }
        value = args[++i];
      }
      if (name.equals("setParameter")) {
        setParameters.add(value);
      } else {
        flags.put(name, value == null ? "true" : value);
      }
    }
    if (flags.containsKey("config")) {
      options.applyConfigFile(Path.of(flags.get("config")));
    }
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      options.applyFlag(flag.getKey(), flag.getValue());
    }
    for (String assignment : setParameters) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new OptionsException("Illegal --setParameter parameter: \"" + assignment + "\"");
      }
      options.setParameter(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
    options.validate();
    return options;
  }

  private void applyFlag(String name, String value) throws OptionsException {
    switch (name) {
      case "config" -> {}
      case "port" -> port = portNumber("--port", value);
      case "bind_ip" -> bindIps = splitAddresses(value);
      case "bind_ip_all" -> bindIpAll = true;
      case "dbpath" -> dbPath = Path.of(value);
      case "httpPort" -> httpPort = portNumber("--httpPort", value);
      case "replSet" -> replSetName = value;
      case "oplogSize" -> oplogSizeMB = positive("--oplogSize", value);
      case "oplogMinRetentionHours" ->
          oplogMinRetentionHours = hours("--oplogMinRetentionHours", value);
      case "keyFile" -> keyFile = value;
      case "quiet" -> quiet = true;
      case "help" -> help = true;
      case "version" -> version = true;
      default ->
          throw new OptionsException(
              "Error parsing command line: unrecognised option '--" + name + "'");
    }
  }

  private void setParameter(String name, String value) throws OptionsException {
    if (!ServerParameters.isSettableAtStartup(name)) {
      throw new OptionsException("Unknown --setParameter '" + name + "'");
    }
    if (name.equals("cursorTimeoutMillis") && !value.trim().matches("[0-9]{1,18}")) {
      throw new OptionsException(
          "--setParameter cursorTimeoutMillis must be a number of milliseconds, not '"
              + value
              + "'");
    }
    if (name.equals("logicalSessionTimeoutMinutes") && !value.trim().matches("0*[1-9][0-9]{0,7}")) {
      throw new OptionsException(
          "--setParameter logicalSessionTimeoutMinutes must be a positive number of minutes, not '"
              + value
              + "'");
    }
    setParameters.put(name, value.trim());
  }

  private void applyConfigFile(Path file) throws OptionsException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new OptionsException(
          "Error reading config file "
              + file
              + ": "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new OptionsException("Error reading config file " + file + ": not a YAML mapping");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> section = it.next();
      String key = section.getKey();
      JsonNode node = section.getValue();
      switch (key) {
        case "net" -> {
          for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> e = f.next();
            switch (e.getKey()) {
              case "port" -> port = portNumber("net.port", e.getValue().asText());
              case "bindIp" -> bindIps = splitAddresses(e.getValue().asText());
              case "bindIpAll" -> bindIpAll = e.getValue().asBoolean();
              default -> throw unknownSetting(file, "net." + e.getKey());
            }
          }
        }
        case "storage" -> {
          for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> e = f.next();
            switch (e.getKey()) {
              case "dbPath" -> dbPath = Path.of(e.getValue().asText());
              case "oplogMinRetentionHours" ->
                  oplogMinRetentionHours =
                      hours("storage.oplogMinRetentionHours", e.getValue().asText());
              default -> throw unknownSetting(file, "storage." + e.getKey());
            }
          }
        }
        case "replication" -> {
          for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> e = f.next();
            switch (e.getKey()) {
              case "replSetName" -> replSetName = e.getValue().asText();
              case "oplogSizeMB" ->
                  oplogSizeMB = positive("replication.oplogSizeMB", e.getValue().asText());
              default -> throw unknownSetting(file, "replication." + e.getKey());
            }
          }
        }
        case "security" -> {
          for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> e = f.next();
            if (!e.getKey().equals("keyFile")) {
              throw unknownSetting(file, "security." + e.getKey());
            }
            keyFile = e.getValue().asText();
          }
        }
        case "setParameter" -> {
          for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> e = f.next();
            setParameter(e.getKey(), e.getValue().asText());
          }
        }
        default -> throw unknownSetting(file, key);
      }
    }
  }

  private static OptionsException unknownSetting(Path file, String key) {
    return new OptionsException(
        "Error reading config file " + file + ": unrecognised setting '" + key + "'");
  }

  private void validate() throws OptionsException {
    if (help || version) {
      return;
    }
    if (replSetName != null && replSetName.isBlank()) {
      throw new OptionsException("--replSet needs a replica set name");
    }
    if (oplogSizeMB != null && replSetName == null) {
      throw new OptionsException(
          "--oplogSize (replication.oplogSizeMB) is only allowed with --replSet");
    }
    if (oplogMinRetentionHours != null && replSetName == null) {
      throw new OptionsException(
          "--oplogMinRetentionHours (storage.oplogMinRetentionHours) is only allowed with"
              + " --replSet");
    }
    String testMinimum = setParameters.get(OplogSize.TEST_MINIMUM_PARAMETER);
    if (testMinimum != null) {
      if (!testCommandsEnabled()) {
        throw new OptionsException(
            "--setParameter "
                + OplogSize.TEST_MINIMUM_PARAMETER
                + " is a test-only parameter: it needs --setParameter enableTestCommands=1");
      }
      if (positiveMB(testMinimum) == null) {
        throw new OptionsException(
            "--setParameter "
                + OplogSize.TEST_MINIMUM_PARAMETER
                + " must be a positive number of megabytes, not '"
                + testMinimum
                + "'");
      }
    }
    if (keyFile != null) {
      throw new OptionsException(
          "--keyFile is not supported yet: this build of starling-node does not enforce"
              + " authentication");
    }
    if (httpPort() == port) {
      throw new OptionsException("--httpPort must differ from --port (" + port + ")");
    }
  }

  private static int portNumber(String what, String value) throws OptionsException {
    int p;
    try {
      p = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new OptionsException(what + " must be a number, not '" + value + "'");
    }
    if (p < 1 || p > 65535) {
      throw new OptionsException(what + " must be between 1 and 65535, not " + p);
    }
    return p;
  }

  private static int positive(String what, String value) throws OptionsException {
    try {
      int v = Integer.parseInt(value.trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new OptionsException(
        what + " must be a positive number of megabytes, not '" + value + "'");
  }

  private static double hours(String what, String value) throws OptionsException {
    try {
      double v = Double.parseDouble(value.trim());
      if (v >= 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new OptionsException(what + " must be a number of hours >= 0, not '" + value + "'");
  }

  /**
   * The smallest size, in MB, {@code replSetResizeOplog} accepts: 990 as in mongod, or the
   * test-only parameter's value when test commands are enabled.
   */
  public double oplogMinimumMB() {
    Double test = positiveMB(setParameters.get(OplogSize.TEST_MINIMUM_PARAMETER));
    return test != null && testCommandsEnabled() ? test : OplogSize.MIN_MB;
  }

  /** A positive, finite number of megabytes, or null. */
  private static Double positiveMB(String value) {
    if (value == null) {
      return null;
    }
    try {
      double v = Double.parseDouble(value.trim());
      return v > 0 && Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static List<String> splitAddresses(String value) throws OptionsException {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    if (out.isEmpty()) {
      throw new OptionsException("--bind_ip needs at least one address");
    }
    return out;
  }

  /** The parsed options as getCmdLineOpts reports them. */
  public BsonDocument parsedDocument() {
    BsonDocument net = new BsonDocument("port", new BsonInt32(port));
    if (bindIpAll) {
      net.append("bindIpAll", BsonBoolean.TRUE);
    } else {
      net.append("bindIp", new BsonString(String.join(",", bindIps)));
    }
    BsonDocument storage = new BsonDocument("dbPath", new BsonString(dbPath.toString()));
    if (oplogMinRetentionHours != null) {
      storage.append("oplogMinRetentionHours", new org.bson.BsonDouble(oplogMinRetentionHours));
    }
    BsonDocument parsed = new BsonDocument("net", net).append("storage", storage);
    if (replSetName != null) {
      BsonDocument replication = new BsonDocument("replSet", new BsonString(replSetName));
      if (oplogSizeMB != null) {
        replication.append("oplogSizeMB", new BsonInt32(oplogSizeMB));
      }
      parsed.append("replication", replication);
    }
    if (!setParameters.isEmpty()) {
      BsonDocument params = new BsonDocument();
      setParameters.forEach((k, v) -> params.append(k, new BsonString(v)));
      parsed.append("setParameter", params);
    }
    return parsed;
  }

  public BsonArray argvArray() {
    BsonArray array = new BsonArray();
    argv.forEach(a -> array.add(new BsonString(a)));
    return array;
  }
}
