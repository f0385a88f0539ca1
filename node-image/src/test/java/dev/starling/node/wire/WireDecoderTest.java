package dev.starling.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class WireDecoderTest {

  @Test
  void opMsgFoldsDocumentSequencesIntoTheBody() {
    ByteArrayOutputStream sections = new ByteArrayOutputStream();
    sections.write(0);
    sections.writeBytes(bson("{insert: 'c', $db: 'test'}"));
    byte[] seq1 = bson("{_id: 1}");
    byte[] seq2 = bson("{_id: 2}");
    byte[] id = "documents\0".getBytes(StandardCharsets.UTF_8);
    sections.write(1);
    sections.writeBytes(intLE(4 + id.length + seq1.length + seq2.length));
    sections.writeBytes(id);
    sections.writeBytes(seq1);
    sections.writeBytes(seq2);

    Request request = WireDecoder.decode(opMsg(7, 0, sections.toByteArray(), false));

    assertThat(request.requestId()).isEqualTo(7);
    assertThat(request.database()).isEqualTo("test");
    assertThat(request.commandName()).isEqualTo("insert");
    assertThat(request.command().getArray("documents"))
        .containsExactly(BsonDocument.parse("{_id: 1}"), BsonDocument.parse("{_id: 2}"));
  }

  @Test
  void aSequenceDocumentOver16MegabytesIsLeftToTheCommandToRefuse() {
    // mongod parses sequence documents up to its internal limit; the insert refuses the document
    // alone (a write error), not the whole message.
    byte[] big =
        BsonCodec.encode(
            new BsonDocument("_id", new org.bson.BsonInt32(1))
                .append("x", new org.bson.BsonString("a".repeat(16 * 1024 * 1024))));
    ByteArrayOutputStream sections = new ByteArrayOutputStream();
    sections.write(0);
    sections.writeBytes(bson("{insert: 'c', $db: 'test'}"));
    byte[] id = "documents\0".getBytes(StandardCharsets.UTF_8);
    sections.write(1);
    sections.writeBytes(intLE(4 + id.length + big.length));
    sections.writeBytes(id);
    sections.writeBytes(big);

    Request request = WireDecoder.decode(opMsg(7, 0, sections.toByteArray(), false));

    assertThat(request.command().getArray("documents")).hasSize(1);
  }

  @Test
  void checksumIsVerifiedWhenPresent() {
    byte[] body = body("{ping: 1, $db: 'admin'}");
    assertThat(WireDecoder.decode(opMsg(1, 1, body, true)).commandName()).isEqualTo("ping");

    byte[] corrupt = opMsg(1, 1, body, true);
    corrupt[corrupt.length - 1] ^= 0x55;
    assertThatThrownBy(() -> WireDecoder.decode(corrupt))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void moreToComeAndExhaustFlagsAreRead() {
    Request request =
        WireDecoder.decode(opMsg(1, (1 << 1) | (1 << 16), body("{ping: 1, $db: 'a'}"), false));
    assertThat(request.moreToCome()).isTrue();
    assertThat(request.exhaustAllowed()).isTrue();
  }

  @Test
  void unknownRequiredFlagBitClosesTheConnection() {
    assertThatThrownBy(
            () -> WireDecoder.decode(opMsg(1, 1 << 5, body("{ping: 1, $db: 'a'}"), false)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void missingDatabaseIsAnErrorReply() {
    assertThatThrownBy(() -> WireDecoder.decode(opMsg(3, 0, body("{ping: 1}"), false)))
        .isInstanceOfSatisfying(
            RejectedRequestException.class,
            e -> {
              assertThat(e.requestId()).isEqualTo(3);
              assertThat(e.error().error()).isEqualTo(ErrorCode.INVALID_NAMESPACE);
            });
  }

  @Test
  void invalidBsonIsAnErrorReplyWithInvalidBson() {
    byte[] doc = bson("{ping: 1, $db: 'a'}");
    doc[4] = 0x7F; // an element type that does not exist
    byte[] sections = new byte[doc.length + 1];
    System.arraycopy(doc, 0, sections, 1, doc.length);
    assertThatThrownBy(() -> WireDecoder.decode(opMsg(1, 0, sections, false)))
        .isInstanceOfSatisfying(
            RejectedRequestException.class,
            e -> assertThat(e.error().error()).isEqualTo(ErrorCode.INVALID_BSON));
  }

  @Test
  void documentOverrunningTheMessageClosesTheConnection() {
    byte[] doc = bson("{ping: 1, $db: 'a'}");
    doc[0] = 100; // claims more bytes than the message holds
    byte[] sections = new byte[doc.length + 1];
    System.arraycopy(doc, 0, sections, 1, doc.length);
    assertThatThrownBy(() -> WireDecoder.decode(opMsg(1, 0, sections, false)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void unknownOpcodeClosesTheConnection() {
    Message frame = new Message().intLE(20).intLE(1).intLE(0).intLE(2001).intLE(0);
    assertThatThrownBy(() -> WireDecoder.decode(frame.bytes()))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void opQueryHandshakeOnAdminCmdIsACommand() {
    Request request = WireDecoder.decode(opQuery(9, "admin.$cmd", "{isMaster: 1, client: {}}"));
    assertThat(request.opCode()).isEqualTo(OpCode.OP_QUERY);
    assertThat(request.database()).isEqualTo("admin");
    assertThat(request.commandName()).isEqualTo("isMaster");
  }

  @Test
  void opQueryUnwrapsDollarQuery() {
    Request request =
        WireDecoder.decode(
            opQuery(
                9,
                "admin.$cmd",
                "{$query: {ismaster: 1}, $readPreference: {mode: 'secondaryPreferred'}}"));
    assertThat(request.commandName()).isEqualTo("ismaster");
  }

  @Test
  void opQueryOnACollectionIsRefused() {
    assertThatThrownBy(() -> WireDecoder.decode(opQuery(9, "test.users", "{}")))
        .isInstanceOfSatisfying(
            RejectedRequestException.class, e -> assertThat(e.error().code()).isEqualTo(5739101));
  }

  static byte[] bson(String json) {
    return BsonCodec.encode(BsonDocument.parse(json));
  }

  static byte[] body(String json) {
    byte[] doc = bson(json);
    byte[] out = new byte[doc.length + 1];
    System.arraycopy(doc, 0, out, 1, doc.length);
    return out;
  }

  static byte[] intLE(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  /** A little-endian message builder. */
  static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message intLE(int v) {
      out.writeBytes(WireDecoderTest.intLE(v));
      return this;
    }

    Message bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  static byte[] opMsg(int requestId, int flags, byte[] sections, boolean checksum) {
    int length = 16 + 4 + sections.length + (checksum ? 4 : 0);
    byte[] message =
        new Message()
            .intLE(length)
            .intLE(requestId)
            .intLE(0)
            .intLE(OpCode.OP_MSG)
            .intLE(flags)
            .bytes(sections)
            .bytes();
    if (!checksum) {
      return message;
    }
    CRC32C crc = new CRC32C();
    crc.update(message);
    return new Message().bytes(message).intLE((int) crc.getValue()).bytes();
  }

  static byte[] opQuery(int requestId, String ns, String query) {
    byte[] name = (ns + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] doc = bson(query);
    int length = 16 + 4 + name.length + 8 + doc.length;
    return new Message()
        .intLE(length)
        .intLE(requestId)
        .intLE(0)
        .intLE(OpCode.OP_QUERY)
        .intLE(0)
        .bytes(name)
        .intLE(0)
        .intLE(-1)
        .bytes(doc)
        .bytes();
  }
}
