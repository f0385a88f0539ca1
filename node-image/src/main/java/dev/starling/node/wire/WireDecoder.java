package dev.starling.node.wire;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.bson.BSONException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * Decodes one framed message into a {@link Request}. Protocol violations throw {@link
 * MalformedMessageException} (close the connection); invalid content in a well-formed frame throws
 * {@link RejectedRequestException} (reply with an error).
 */
public final class WireDecoder {
  private static final int CHECKSUM_PRESENT = 1;
  private static final int MORE_TO_COME = 1 << 1;
  private static final int EXHAUST_ALLOWED = 1 << 16;

  /** Bits 0-15 are "required": a flag we don't know there must fail the message. */
  private static final int KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;

  /** mongod 5.1+'s answer to an OP_QUERY that is not a command (a legacy find). */
  static final String LEGACY_QUERY_REMOVED =
      "OP_QUERY is no longer supported. The client driver may require an upgrade. For more details"
          + " see https://dochub.mongodb.org/core/legacy-opcode-removal";

  private WireDecoder() {}

  /** Decodes one whole message, header included. */
  public static Request decode(byte[] bytes) {
    int requestId = intLE(bytes, 4);
    int opCode = intLE(bytes, 12);
    return switch (opCode) {
      case OpCode.OP_MSG -> decodeOpMsg(bytes, requestId);
      case OpCode.OP_QUERY -> decodeOpQuery(bytes, requestId);
      default -> throw new MalformedMessageException("unsupported opcode " + opCode);
    };
  }

  private static Request decodeOpMsg(byte[] bytes, int requestId) {
    int end = bytes.length;
    if (end < WireLimits.HEADER_SIZE + 4 + 1) {
      throw new MalformedMessageException("OP_MSG too short");
    }
    int flags = intLE(bytes, 16);
    if ((flags & 0xFFFF & ~KNOWN_REQUIRED_FLAGS) != 0) {
      throw new MalformedMessageException("OP_MSG has unknown required flag bits " + flags);
    }
    if ((flags & CHECKSUM_PRESENT) != 0) {
      end -= 4;
      if (end < WireLimits.HEADER_SIZE + 5) {
        throw new MalformedMessageException("OP_MSG too short for its checksum");
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, end);
      if ((int) crc.getValue() != intLE(bytes, end)) {
        throw new MalformedMessageException("OP_MSG checksum mismatch");
      }
    }
    BsonDocument body = null;
    BsonDocument sequences = new BsonDocument();
    int pos = 20;
    while (pos < end) {
      byte kind = bytes[pos++];
      if (kind == 0) {
        if (body != null) {
          throw new MalformedMessageException("OP_MSG has two body sections");
        }
        int size = documentSize(bytes, pos, end, requestId);
        body = document(bytes, pos, size, requestId, OpCode.OP_MSG, WireLimits.MAX_COMMAND_SIZE);
        pos += size;
      } else if (kind == 1) {
        if (pos + 4 > end) {
          throw new MalformedMessageException("truncated document sequence");
        }
        int sectionSize = intLE(bytes, pos);
        int sectionEnd = pos + sectionSize;
        if (sectionSize < 5 || sectionEnd > end) {
          throw new MalformedMessageException("document sequence overruns the message");
        }
        int p = pos + 4;
        int nul = p;
        while (nul < sectionEnd && bytes[nul] != 0) {
          nul++;
        }
        if (nul >= sectionEnd) {
          throw new MalformedMessageException("document sequence identifier is not terminated");
        }
        String identifier = new String(bytes, p, nul - p, StandardCharsets.UTF_8);
        p = nul + 1;
        BsonArray docs = new BsonArray();
        while (p < sectionEnd) {
          int size = documentSize(bytes, p, sectionEnd, requestId);
          // As mongod: a sequence's documents may reach the internal limit (an update statement
          // around a 16 MB document); the command refuses a user document over 16 MB itself, as
          // a write error for that document only.
          docs.add(document(bytes, p, size, requestId, OpCode.OP_MSG, WireLimits.MAX_COMMAND_SIZE));
          p += size;
        }
        if (sequences.containsKey(identifier)) {
          throw new MalformedMessageException("duplicate document sequence " + identifier);
        }
        sequences.put(identifier, docs);
        pos = sectionEnd;
      } else {
        throw new MalformedMessageException("unknown OP_MSG section kind " + kind);
      }
    }
    if (body == null) {
      throw new MalformedMessageException("OP_MSG has no body section");
    }
    for (String identifier : sequences.keySet()) {
      if (body.containsKey(identifier)) {
        throw new RejectedRequestException(
            requestId,
            OpCode.OP_MSG,
            MongoServerException.badValue(
                "duplicate field " + identifier + " in body and document sequence"));
      }
      body.put(identifier, sequences.get(identifier));
    }
    if (!(body.get("$db") instanceof BsonString db)) {
      throw new RejectedRequestException(
          requestId,
          OpCode.OP_MSG,
          new MongoServerException(
              ErrorCode.INVALID_NAMESPACE, "OP_MSG requests require a $db argument"));
    }
    return new Request(
        requestId,
        OpCode.OP_MSG,
        db.getValue(),
        body,
        (flags & MORE_TO_COME) != 0,
        (flags & EXHAUST_ALLOWED) != 0);
  }

  private static Request decodeOpQuery(byte[] bytes, int requestId) {
    int pos = 20;
    int nul = pos;
    while (nul < bytes.length && bytes[nul] != 0) {
      nul++;
    }
    if (nul >= bytes.length) {
      throw new MalformedMessageException("OP_QUERY namespace is not terminated");
    }
    String namespace = new String(bytes, pos, nul - pos, StandardCharsets.UTF_8);
    pos = nul + 1 + 8; // numberToSkip, numberToReturn
    if (pos >= bytes.length) {
      throw new MalformedMessageException("OP_QUERY has no query document");
    }
    int size = documentSize(bytes, pos, bytes.length, requestId);
    BsonDocument query =
        document(bytes, pos, size, requestId, OpCode.OP_QUERY, WireLimits.MAX_COMMAND_SIZE);
    int dot = namespace.indexOf('.');
    if (dot <= 0 || !namespace.substring(dot + 1).equals("$cmd")) {
      throw new RejectedRequestException(
          requestId,
          OpCode.OP_QUERY,
          new MongoServerException(ErrorCode.LOCATION_5739101, LEGACY_QUERY_REMOVED));
    }
    // Drivers may wrap the command with read preference as {$query: {...}, $readPreference: ...}.
    BsonDocument command =
        query.get("$query") instanceof BsonDocument wrapped ? wrapped.clone() : query;
    return new Request(
        requestId, OpCode.OP_QUERY, namespace.substring(0, dot), command, false, false);
  }

  private static int documentSize(byte[] bytes, int pos, int end, int requestId) {
    if (pos + 4 > end) {
      throw new MalformedMessageException("truncated document");
    }
    int size = intLE(bytes, pos);
    if (size < 5 || pos + size > end) {
      throw new MalformedMessageException("document size " + size + " overruns the message");
    }
    return size;
  }

  private static BsonDocument document(
      byte[] bytes, int pos, int size, int requestId, int opCode, int max) {
    if (size > max) {
      throw new RejectedRequestException(
          requestId,
          opCode,
          new MongoServerException(
              ErrorCode.BSON_OBJECT_TOO_LARGE,
              "BSONObj size: "
                  + size
                  + " (0x"
                  + Integer.toHexString(size).toUpperCase(java.util.Locale.ROOT)
                  + ") is invalid. Size must be between 0 and "
                  + max
                  + "("
                  + (max >> 20)
                  + "MB)"));
    }
    try {
      return BsonCodec.decode(bytes, pos, size);
    } catch (BSONException | IllegalStateException | IllegalArgumentException e) {
      throw new RejectedRequestException(
          requestId,
          opCode,
          new MongoServerException(ErrorCode.INVALID_BSON, "invalid BSON: " + e.getMessage()));
    }
  }

  static int intLE(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }
}
