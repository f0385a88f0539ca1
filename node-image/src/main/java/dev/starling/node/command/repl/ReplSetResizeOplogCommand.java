package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.command.TypeNames;
import dev.starling.node.config.OplogSize;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.OplogTruncator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * replSetResizeOplog: changes this member's oplog size ({@code size}, a double in MB, 990 MB to 1
 * PB) and/or its minimum retention period ({@code minRetentionHours} >= 0) at once, without a
 * restart, on any member (each member's oplog is its own). A shrink truncates before the reply, as
 * far as the majority commit point and the retention period allow. Bad values get mongod's IDL
 * error (51024).
 */
public final class ReplSetResizeOplogCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetResizeOplog");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.requireAdmin(context, "replSetResizeOplog");
    OplogTruncator truncator = context.node().oplogTruncator();
    if (truncator == null) {
      // A standalone node has no local.oplog.rs, as mongod's reply says.
      throw new MongoServerException(ErrorCode.NAMESPACE_NOT_FOUND, "oplog does not exist");
    }
    Double size = number(command, "size");
    Double hours = number(command, "minRetentionHours");
    if (size != null) {
      double minimum = context.node().options().oplogMinimumMB();
      if (!(size >= minimum)) {
        throw outOfBounds("size", ">=", minimum, size);
      }
      if (!(size <= OplogSize.MAX_MB)) {
        throw outOfBounds("size", "<=", OplogSize.MAX_MB, size);
      }
    }
    if (hours != null && !(hours >= 0)) {
      throw outOfBounds("minRetentionHours", ">=", 0, hours);
    }
    truncator.resize(size == null ? null : OplogSize.bytes(size), hours);
    return new BsonDocument();
  }

  /** An optional numeric field as a double; any other type is mongod's IDL type error. */
  private static Double number(BsonDocument command, String field) {
    BsonValue v = command.get(field);
    if (v == null) {
      return null;
    }
    if (!v.isNumber() && !v.isDecimal128()) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field 'replSetResizeOplog."
              + field
              + "' is the wrong type '"
              + TypeNames.of(v)
              + "', expected types '[long, int, decimal, double]'");
    }
    return v.isDecimal128()
        ? v.asDecimal128().getValue().bigDecimalValue().doubleValue()
        : v.asNumber().doubleValue();
  }

  private static MongoServerException outOfBounds(
      String field, String op, double bound, double actual) {
    return new MongoServerException(
        ErrorCode.LOCATION_51024,
        "BSON field 'replSetResizeOplog."
            + field
            + "' value must be "
            + op
            + " "
            + cppDouble(bound)
            + ", actual value '"
            + cppDouble(actual)
            + "'");
  }

  /** A double as a C++ stream prints it (6 significant digits, no trailing zeros). */
  static String cppDouble(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e6) {
      return Long.toString((long) d);
    }
    String s = String.format(java.util.Locale.ROOT, "%.6g", d);
    if (s.contains("e")) {
      String mantissa = s.substring(0, s.indexOf('e'));
      String exponent = s.substring(s.indexOf('e') + 1);
      if (mantissa.contains(".")) {
        mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      int exp = Integer.parseInt(exponent);
      return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
