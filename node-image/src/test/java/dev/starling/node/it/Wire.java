package dev.starling.node.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

/**
 * A raw MongoDB wire-protocol client on a plain socket, written from the protocol specification: it
 * sends arbitrary bytes and reads whatever comes back, so tests can talk to the node the way a
 * broken or hostile client would.
 */
public final class Wire implements AutoCloseable {
  public static final int OP_MSG = 2013;
  public static final int CHECKSUM_PRESENT = 1;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int nextRequestId = 1;

  private Wire(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static Wire connect(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      socket.setTcpNoDelay(true);
      return new Wire(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Sends {@code command} as an OP_MSG and returns the reply body, or null if the node hung up. */
  public BsonDocument command(BsonDocument command) throws IOException {
    send(opMsg(nextRequestId++, 0, bson(command)));
    Reply reply = read();
    return reply == null ? null : reply.body();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads one whole message: null when the node closed the connection (end of stream or reset)
   * before a reply began.
   */
  public Reply read() throws IOException {
    byte[] header = new byte[16];
    try {
      new DataInputStream(in).readFully(header);
    } catch (EOFException e) {
      return null;
    } catch (java.net.SocketException e) {
      // Connection reset: the node closed the socket with our bytes unread.
      return null;
    }
    int length = intLE(header, 0);
    if (length < 16 || length > 48_000_000) {
      throw new IOException("reply announces an impossible length " + length);
    }
    byte[] message = Arrays.copyOf(header, length);
    new DataInputStream(in).readFully(message, 16, length - 16);
    return new Reply(message);
  }

  /** Whether the node closed the connection: end of stream or a reset when reading. */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  /** Ends our side of the stream (TCP half-close): the node reads end-of-stream. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  public static byte[] bson(BsonDocument document) {
    BasicOutputBuffer buffer = new BasicOutputBuffer();
    new BsonDocumentCodec()
        .encode(new BsonBinaryWriter(buffer), document, EncoderContext.builder().build());
    return buffer.toByteArray();
  }

  /** An OP_MSG with one body section holding {@code body} (any bytes, valid BSON or not). */
  public static byte[] opMsg(int requestId, int flags, byte[] body) {
    boolean checksum = (flags & CHECKSUM_PRESENT) != 0;
    int length = 16 + 4 + 1 + body.length + (checksum ? 4 : 0);
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(length).putInt(requestId).putInt(0).putInt(OP_MSG);
    buffer.putInt(flags).put((byte) 0).put(body);
    if (checksum) {
      CRC32C crc = new CRC32C();
      crc.update(buffer.array(), 0, length - 4);
      buffer.putInt((int) crc.getValue());
    }
    return buffer.array();
  }

  /**
   * An OP_MSG with a body section and one document sequence (kind 1) named {@code identifier}, as
   * drivers send the documents of an insert.
   */
  public static byte[] opMsg(
      int requestId, int flags, byte[] body, String identifier, List<byte[]> documents) {
    byte[] name = identifier.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int sequence = 4 + name.length + 1 + documents.stream().mapToInt(d -> d.length).sum();
    int length = 16 + 4 + 1 + body.length + 1 + sequence;
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(length).putInt(requestId).putInt(0).putInt(OP_MSG);
    buffer.putInt(flags).put((byte) 0).put(body);
    buffer.put((byte) 1).putInt(sequence).put(name).put((byte) 0);
    documents.forEach(buffer::put);
    return buffer.array();
  }

  /** A message header followed by {@code payload}, with the given length field and opcode. */
  public static byte[] message(int lengthField, int requestId, int opCode, byte[] payload) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(lengthField).putInt(requestId).putInt(0).putInt(opCode);
    bytes.writeBytes(header.array());
    bytes.writeBytes(payload);
    return bytes.toByteArray();
  }

  static int intLE(byte[] b, int i) {
    return ByteBuffer.wrap(b, i, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** A message the node sent. */
  public record Reply(byte[] bytes) {
    public int length() {
      return intLE(bytes, 0);
    }

    public int responseTo() {
      return intLE(bytes, 8);
    }

    public int opCode() {
      return intLE(bytes, 12);
    }

    public int flags() {
      return intLE(bytes, 16);
    }

    /**
     * The body of a well-formed OP_MSG reply: exactly one kind-0 section whose BSON document fills
     * the rest of the message (less the checksum, when flagged). Anything else throws.
     */
    public BsonDocument body() {
      if (opCode() != OP_MSG) {
        throw new IllegalStateException("reply opcode " + opCode() + " is not OP_MSG");
      }
      if (length() != bytes.length) {
        throw new IllegalStateException("reply length field " + length() + " != " + bytes.length);
      }
      int end = bytes.length - ((flags() & CHECKSUM_PRESENT) != 0 ? 4 : 0);
      if (bytes[20] != 0) {
        throw new IllegalStateException("reply section kind " + bytes[20] + " is not a body");
      }
      int size = intLE(bytes, 21);
      if (21 + size != end) {
        throw new IllegalStateException(
            "reply body of " + size + " bytes does not fill the message of " + end + " bytes");
      }
      return new RawBsonDocument(bytes, 21, size).decode(new BsonDocumentCodec());
    }
  }
}
