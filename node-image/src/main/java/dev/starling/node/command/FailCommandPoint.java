package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * mongod's {@code failCommand} fail point, which the drivers' specification tests use to make a
 * server fail on cue: the commands named in {@code data.failCommands} block for {@code
 * blockTimeMS}, close the connection, fail with {@code errorCode} (and {@code errorLabels}), or run
 * and then carry a {@code writeConcernError}. Modes as mongod's: {@code "alwaysOn"}, {@code "off"},
 * {@code {times: n}} (the next n matching commands), {@code {skip: n}} (all but the next n). {@code
 * data.appName} limits it to clients whose hello metadata names that application.
 *
 * <p>Thread-safe: every connection asks {@link #activate} before running its command; while the
 * point is off (always, outside tests) that is one volatile read, and a {@code times} count is
 * taken exactly once per activation, under the lock.
 */
public final class FailCommandPoint {
  /** The fail point's name in configureFailPoint. */
  public static final String NAME = "failCommand";

  /** What a matching command is made to do. */
  public record Activation(
      long blockMillis,
      boolean closeConnection,
      BsonDocument error,
      BsonDocument writeConcernError,
      BsonArray errorLabels) {

    /** The error reply mongod gives for a failCommand errorCode. */
    static BsonDocument errorReply(int code, List<String> labels) {
      BsonDocument reply =
          new BsonDocument("ok", new BsonDouble(0))
              .append("errmsg", new BsonString("Failing command via 'failCommand' failpoint"))
              .append("code", new BsonInt32(code))
              .append("codeName", new BsonString(codeName(code)));
      if (labels != null) {
        // Given labels, even none, replace the ones the server would add (as mongod).
        BsonArray array = new BsonArray();
        labels.forEach(l -> array.add(new BsonString(l)));
        reply.append("errorLabels", array);
      }
      return reply;
    }
  }

  private record Settings(
      Set<String> commands,
      long blockMillis,
      boolean closeConnection,
      Integer errorCode,
      List<String> errorLabels,
      BsonDocument writeConcernError,
      String appName) {}

  /** Null while off; volatile so that a command checks "off" without taking the lock. */
  private volatile Settings settings;

  /** Activations left; Long.MAX_VALUE is always. */
  private long remaining;

  /** Matching commands to let through before the first activation. */
  private long skip;

  /** How many times the point has activated since it was last configured (mongod's count). */
  private long entered;

  /**
   * Sets the mode and data, as configureFailPoint does; returns how many times the point activated
   * under its previous setting.
   */
  public synchronized long configure(BsonValue mode, BsonDocument data) {
    long before = entered;
    if (mode instanceof BsonString s && s.getValue().equals("off")) {
      settings = null;
      remaining = 0;
      skip = 0;
      entered = 0;
      return before;
    }
    long times;
    long skipping = 0;
    if (mode instanceof BsonString s && s.getValue().equals("alwaysOn")) {
      times = Long.MAX_VALUE;
    } else if (mode instanceof BsonDocument d
        && d.get("times") instanceof BsonValue t
        && t.isNumber()) {
      times = t.asNumber().longValue();
    } else if (mode instanceof BsonDocument d
        && d.get("skip") instanceof BsonValue k
        && k.isNumber()) {
      times = Long.MAX_VALUE;
      skipping = k.asNumber().longValue();
    } else {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "mode must be \"alwaysOn\", \"off\", {times: n} or {skip: n}");
    }
    if (times < 0 || skipping < 0) {
      throw new MongoServerException(ErrorCode.BAD_VALUE, "times and skip must not be negative");
    }
    settings = parse(data == null ? new BsonDocument() : data);
    remaining = times;
    skip = skipping;
    entered = 0;
    return before;
  }

  private static Settings parse(BsonDocument data) {
    if (!(data.get("failCommands") instanceof BsonArray names) || names.isEmpty()) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "failCommand needs data.failCommands, a list of command names");
    }
    Set<String> commands = new LinkedHashSet<>();
    for (BsonValue n : names) {
      if (!n.isString()) {
        throw new MongoServerException(
            ErrorCode.TYPE_MISMATCH, "data.failCommands must hold command names");
      }
      commands.add(n.asString().getValue());
    }
    long block = 0;
    if (data.get("blockConnection") instanceof BsonBoolean b && b.getValue()) {
      if (!(data.get("blockTimeMS") instanceof BsonValue t && t.isNumber())) {
        throw new MongoServerException(
            ErrorCode.BAD_VALUE, "blockConnection needs blockTimeMS, a number");
      }
      block = t.asNumber().longValue();
    }
    boolean close = data.get("closeConnection") instanceof BsonBoolean c && c.getValue();
    Integer code = null;
    if (data.containsKey("errorCode")) {
      if (!data.get("errorCode").isNumber()) {
        throw new MongoServerException(ErrorCode.TYPE_MISMATCH, "errorCode must be a number");
      }
      code = data.get("errorCode").asNumber().intValue();
    }
    List<String> labels = null;
    if (data.get("errorLabels") instanceof BsonArray array) {
      labels = new ArrayList<>();
      for (org.bson.BsonValue l : array) {
        labels.add(l.asString().getValue());
      }
    }
    BsonDocument wce = data.get("writeConcernError") instanceof BsonDocument d ? d.clone() : null;
    String app = data.get("appName") instanceof BsonString s ? s.getValue() : null;
    return new Settings(
        commands, block, close, code, labels == null ? null : List.copyOf(labels), wce, app);
  }

  /** Whether the point is switched on (one volatile read). */
  public boolean on() {
    return settings != null;
  }

  /**
   * What {@code command} from a client of {@code appName} must do now; null when the point does not
   * apply to it (off, another command, another application, skipped, or used up).
   */
  public Activation activate(String command, String appName) {
    return settings == null ? null : activateLocked(command, appName);
  }

  private synchronized Activation activateLocked(String command, String appName) {
    Settings s = settings;
    if (s == null || remaining <= 0 || !s.commands().contains(command)) {
      return null;
    }
    if (s.appName() != null && !s.appName().equals(appName)) {
      return null;
    }
    if (skip > 0) {
      skip--;
      return null;
    }
    if (remaining != Long.MAX_VALUE) {
      remaining--;
    }
    entered++;
    return new Activation(
        s.blockMillis(),
        s.closeConnection(),
        s.errorCode() == null ? null : Activation.errorReply(s.errorCode(), s.errorLabels()),
        s.writeConcernError(),
        labels(s.errorLabels()));
  }

  /** The labels a reply carries instead of the server's, or null when none were given. */
  private static BsonArray labels(List<String> labels) {
    if (labels == null) {
      return null;
    }
    BsonArray array = new BsonArray();
    labels.forEach(l -> array.add(new BsonString(l)));
    return array;
  }

  /** MongoDB's name of an error code; "LocationN" for a code this node does not know. */
  static String codeName(int code) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.code() == code) {
        return c.codeName();
      }
    }
    return "Location" + code;
  }
}
