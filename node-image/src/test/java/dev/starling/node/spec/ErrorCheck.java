package dev.starling.node.spec;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteConcernException;
import java.util.Map;
import org.bson.BsonValue;

/** Checks an operation's error against the format's {@code expectError} document. */
final class ErrorCheck {
  /** Names for codes whose exceptions do not carry the server's codeName. */
  private static final Map<Integer, String> CODE_NAMES =
      Map.ofEntries(
          Map.entry(2, "BadValue"),
          Map.entry(9, "FailedToParse"),
          Map.entry(14, "TypeMismatch"),
          Map.entry(20, "IllegalOperation"),
          Map.entry(26, "NamespaceNotFound"),
          Map.entry(50, "MaxTimeMSExpired"),
          Map.entry(64, "WriteConcernFailed"),
          Map.entry(72, "InvalidOptions"),
          Map.entry(91, "ShutdownInProgress"),
          Map.entry(100, "UnsatisfiableWriteConcern"),
          Map.entry(112, "WriteConflict"),
          Map.entry(121, "DocumentValidationFailure"),
          Map.entry(189, "PrimarySteppedDown"),
          Map.entry(251, "NoSuchTransaction"),
          Map.entry(262, "ExceededTimeLimit"),
          Map.entry(10107, "NotWritablePrimary"),
          Map.entry(11000, "DuplicateKey"),
          Map.entry(11600, "InterruptedAtShutdown"),
          Map.entry(11602, "InterruptedDueToReplStateChange"),
          Map.entry(13435, "NotPrimaryNoSecondaryOk"),
          Map.entry(13436, "NotPrimaryOrSecondary"));

  private ErrorCheck() {}

  static void verify(org.bson.BsonDocument expected, Throwable error, ValueMatcher matcher) {
    for (Map.Entry<String, BsonValue> e : expected.entrySet()) {
      BsonValue want = e.getValue();
      switch (e.getKey()) {
        case "isError" -> {}
        case "isClientError" -> {
          boolean client = !(error instanceof MongoServerException);
          if (client != want.asBoolean().getValue()) {
            throw new AssertionError(
                "expected a "
                    + (client ? "server" : "client")
                    + " error but got "
                    + describe(error));
          }
        }
        case "isTimeoutError" -> {
          boolean timeout =
              error instanceof MongoOperationTimeoutException
                  || error instanceof MongoExecutionTimeoutException;
          if (timeout != want.asBoolean().getValue()) {
            throw new AssertionError("isTimeoutError " + want + " but got " + describe(error));
          }
        }
        case "errorContains" -> {
          String message = String.valueOf(error.getMessage()).toLowerCase();
          if (!message.contains(want.asString().getValue().toLowerCase())) {
            throw new AssertionError(
                "expected an error containing '"
                    + want.asString().getValue()
                    + "' but got "
                    + describe(error));
          }
        }
        case "errorCode" -> {
          Integer code = code(error);
          if (code == null || code != want.asNumber().intValue()) {
            throw new AssertionError("expected error code " + want + " but got " + describe(error));
          }
        }
        case "errorCodeName" -> {
          String name = codeName(error);
          if (!want.asString().getValue().equals(name)) {
            throw new AssertionError(
                "expected error code name "
                    + want.asString().getValue()
                    + " but got "
                    + name
                    + " from "
                    + describe(error));
          }
        }
        case "errorLabelsContain" -> {
          for (BsonValue label : want.asArray()) {
            if (!hasLabel(error, label.asString().getValue())) {
              throw new AssertionError(
                  "expected error label " + label.asString().getValue() + " on " + describe(error));
            }
          }
        }
        case "errorLabelsOmit" -> {
          for (BsonValue label : want.asArray()) {
            if (hasLabel(error, label.asString().getValue())) {
              throw new AssertionError(
                  "unexpected error label "
                      + label.asString().getValue()
                      + " on "
                      + describe(error));
            }
          }
        }
        case "expectResult" -> {
          // The format: the error must carry a result that matches; a result the error may lack
          // is written {$$unsetOrMatches: ...}, which an absent one (null here) satisfies.
          BsonValue result = partialResult(error);
          try {
            matcher.matchRoot(want, result);
          } catch (ValueMatcher.MatchFailure failure) {
            throw new AssertionError(
                result == null
                    ? "expectError.expectResult: the error carries no result ("
                        + describe(error)
                        + ")"
                    : "expectError.expectResult: " + failure.getMessage(),
                failure);
          }
        }
        case "errorResponse" -> {
          if (!(error instanceof MongoCommandException command)) {
            throw new AssertionError("expected a command error but got " + describe(error));
          }
          matcher.matchRoot(want, command.getResponse());
        }
        default -> throw new Unsupported("unsupported expectError field: " + e.getKey());
      }
    }
  }

  /**
   * The result an error carries, as the document the format describes: a bulk write's (also an
   * insertMany's) partial result from {@link MongoBulkWriteException#getWriteResult()}; null for
   * any other error, which the Java driver raises without one (for instance the network error that
   * ends a bulk write after its retry, whatever batches succeeded before).
   */
  static BsonValue partialResult(Throwable error) {
    return error instanceof MongoBulkWriteException bulk
        ? Results.bulkWrite(bulk.getWriteResult())
        : null;
  }

  private static boolean hasLabel(Throwable error, String label) {
    return error instanceof MongoException m && m.hasErrorLabel(label);
  }

  static Integer code(Throwable error) {
    if (error instanceof MongoBulkWriteException bulk) {
      if (!bulk.getWriteErrors().isEmpty()) {
        return bulk.getWriteErrors().get(0).getCode();
      }
      return bulk.getWriteConcernError() == null ? null : bulk.getWriteConcernError().getCode();
    }
    if (error instanceof MongoWriteConcernException wc) {
      return wc.getWriteConcernError().getCode();
    }
    if (error instanceof MongoServerException server) {
      return server.getCode();
    }
    return null;
  }

  private static String codeName(Throwable error) {
    String name = null;
    if (error instanceof MongoBulkWriteException bulk) {
      if (bulk.getWriteErrors().isEmpty() && bulk.getWriteConcernError() != null) {
        name = bulk.getWriteConcernError().getCodeName();
      }
    } else if (error instanceof MongoWriteConcernException wc) {
      name = wc.getWriteConcernError().getCodeName();
    } else if (error instanceof MongoServerException server) {
      name = server.getErrorCodeName();
    }
    if (name == null || name.isEmpty()) {
      Integer code = code(error);
      name = code == null ? null : CODE_NAMES.get(code);
    }
    return name;
  }

  /** One line naming the exception, for failure messages. */
  static String describe(Throwable error) {
    if (error == null) {
      return "no error";
    }
    String message =
        error instanceof MongoCommandException command
            ? "error "
                + command.getErrorCode()
                + " ("
                + command.getErrorCodeName()
                + "): "
                + command.getErrorMessage()
            : String.valueOf(error.getMessage()).replace('\n', ' ');
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return error.getClass().getSimpleName() + ": " + message;
  }
}
