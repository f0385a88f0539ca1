package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.RetryableWrites;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The session fields any command may carry, as mongod's {@code OperationSessionInfo}: the logical
 * session ({@code lsid}) and, for a retryable write, its transaction number ({@code txnNumber}).
 * Multi-document transactions ({@code autocommit}, {@code startTransaction}) are refused: this node
 * does not run them.
 *
 * @param lsid the session, or null
 * @param txnNumber the retryable write's transaction number, or null
 */
public record OperationSessionInfo(BsonDocument lsid, Long txnNumber) {
  /** The commands a txnNumber may come with outside a transaction (mongod's retryable writes). */
  private static final Set<String> RETRYABLE_WRITES =
      Set.of("insert", "update", "delete", "findAndModify", "findandmodify");

  /**
   * The codes of errors that a retryable write may be retried after, as the retryable-writes
   * specification lists them: the server adds the {@code RetryableWriteError} label to them.
   */
  private static final Set<Integer> RETRYABLE_CODES =
      Set.of(11600, 11602, 10107, 13435, 13436, 189, 91, 7, 6, 89, 9001, 262);

  public static final OperationSessionInfo NONE = new OperationSessionInfo(null, null);

  /** Reads and checks the session fields of {@code command}. */
  public static OperationSessionInfo parse(BsonDocument command) {
    BsonValue lsidField = command.get("lsid");
    BsonValue txnField = command.get("txnNumber");
    if (command.containsKey("autocommit") || command.containsKey("startTransaction")) {
      throw new MongoServerException(
          ErrorCode.ILLEGAL_OPERATION,
          "multi-document transactions are not supported by starling-node");
    }
    if (lsidField == null && txnField == null) {
      return NONE;
    }
    BsonDocument lsid = lsidField == null ? null : lsid(lsidField, "OperationSessionInfo.lsid");
    Long txnNumber = null;
    if (txnField != null) {
      if (!(txnField.isInt64() || txnField.isInt32())) {
        throw new MongoServerException(
            ErrorCode.TYPE_MISMATCH,
            "BSON field 'OperationSessionInfo.txnNumber' is the wrong type '"
                + TypeNames.of(txnField)
                + "', expected type 'long'");
      }
      txnNumber = txnField.asNumber().longValue();
      if (lsid == null) {
        throw new MongoServerException(
            ErrorCode.INVALID_OPTIONS,
            "Transaction number requires a session ID to also be specified");
      }
      if (txnNumber < 0) {
        throw new MongoServerException(
            ErrorCode.BAD_VALUE, "txnNumber (" + txnNumber + ") must be non-negative");
      }
    }
    return new OperationSessionInfo(lsid, txnNumber);
  }

  /**
   * Checks an {@code lsid} as mongod parses it: a document whose {@code id} is a UUID (binary
   * subtype 4); the other fields ({@code uid}, which mongos sets) are kept.
   */
  public static BsonDocument lsid(BsonValue value, String field) {
    if (!(value instanceof BsonDocument doc)) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field '"
              + field
              + "' is the wrong type '"
              + TypeNames.of(value)
              + "', expected type 'object'");
    }
    BsonValue id = doc.get("id");
    if (id == null) {
      throw new MongoServerException(
          ErrorCode.LOCATION40414, "BSON field '" + field + ".id' is missing but a required field");
    }
    if (!(id instanceof BsonBinary binary)
        || binary.getType() != BsonBinarySubType.UUID_STANDARD.getValue()
        || binary.getData().length != 16) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field '"
              + field
              + ".id' is the wrong type '"
              + TypeNames.of(id)
              + "', expected a UUID (binary subtype 4)");
    }
    return doc;
  }

  /** Whether this is a retryable write: a txnNumber outside a transaction. */
  public boolean retryableWrite() {
    return txnNumber != null;
  }

  /**
   * Checks the session out for the retryable write {@code command} runs, or returns null when it is
   * not one. A standalone refuses a txnNumber (20 IllegalOperation), as does a command that is not
   * a retryable write (50768).
   */
  RetryableWrites.Checkout checkOut(NodeServices node, String command) {
    if (txnNumber == null) {
      return null;
    }
    RetryableWrites writes = node.replication().retryableWrites();
    if (!RETRYABLE_WRITES.contains(command)) {
      throw new MongoServerException(
          ErrorCode.NOT_A_RETRYABLE_WRITE_COMMAND,
          "txnNumber may only be provided for multi-document transactions and retryable write"
              + " commands. autocommit:false was not provided, and "
              + command
              + " is not a retryable write command.");
    }
    writes.ensureCollections();
    return writes.checkOut(lsid, txnNumber);
  }

  /**
   * Labels a retryable write's reply as mongod does: {@code RetryableWriteError} on an error, or a
   * write concern error, that the write may be retried after. A reply that already has labels (a
   * failCommand fail point's) keeps them.
   */
  void labelErrors(BsonDocument reply) {
    if (txnNumber == null || reply.containsKey("errorLabels")) {
      return;
    }
    boolean retryable =
        (reply.get("ok") instanceof BsonValue ok && ok.isNumber() && ok.asNumber().intValue() == 0)
            && retryableCode(reply);
    if (!retryable && reply.get("writeConcernError") instanceof BsonDocument wce) {
      retryable = retryableCode(wce);
    }
    if (retryable) {
      reply.append(
          "errorLabels", new BsonArray(java.util.List.of(new BsonString("RetryableWriteError"))));
    }
  }

  private static boolean retryableCode(BsonDocument error) {
    return error.get("code") instanceof BsonInt32 code && RETRYABLE_CODES.contains(code.getValue());
  }
}
