package dev.starling.node.bson;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

/** Encodes and fully decodes BSON documents; decoding validates the whole structure. */
public final class BsonCodec {
  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

  private BsonCodec() {}

  /**
   * Decodes one document that must fill {@code bytes[offset, offset+length)} exactly.
   *
   * @throws org.bson.BSONException (or a subclass) if the bytes are not a valid document
   */
  public static BsonDocument decode(byte[] bytes, int offset, int length) {
    ByteBuffer buffer =
        ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    if (length < 5 || buffer.getInt(0) != length) {
      throw new org.bson.BsonSerializationException("document length does not match its size");
    }
    try (BsonBinaryReader reader = new BsonBinaryReader(buffer)) {
      BsonDocument document = CODEC.decode(reader, DecoderContext.builder().build());
      if (buffer.position() != length) {
        throw new org.bson.BsonSerializationException("trailing bytes after document");
      }
      return document;
    }
  }

  public static BsonDocument decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  public static byte[] encode(BsonDocument document) {
    BasicOutputBuffer buffer = new BasicOutputBuffer(256);
    try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
      CODEC.encode(writer, document, EncoderContext.builder().build());
    }
    return buffer.toByteArray();
  }

  /** The encoded size of a document, as the 16 MB limit counts it. */
  public static int size(BsonDocument document) {
    return BsonSizes.of(document);
  }
}
