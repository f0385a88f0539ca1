package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile input on raw sockets: each bad connection is either closed by the node or
 * answered with a well-formed OP_MSG error reply, and the node keeps serving everyone else.
 */
class BadInputIT {
  private static NodeProcess node;
  private static MongoClient client;
  private static final List<Document> SEED = new ArrayList<>();

  @BeforeAll
  static void startNode() {
    node = NodeProcess.start("bad-input");
    client = node.client();
    for (int i = 0; i < 3; i++) {
      SEED.add(new Document("_id", i).append("name", "doc-" + i));
    }
    client.getDatabase("test").getCollection("c").insertMany(SEED);
  }

  @AfterAll
  static void stopNode() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  /** After every bad connection, a well-behaved client is still served. */
  @AfterEach
  void nodeStillServesOthers() {
    assertThat(node.isAlive()).as("node process alive").isTrue();
    Document ping = client.getDatabase("admin").runCommand(new Document("ping", 1));
    assertThat(ping.get("ok", Number.class).doubleValue()).isEqualTo(1.0);
    assertThat(
            client
                .getDatabase("test")
                .getCollection("c")
                .find()
                .sort(new Document("_id", 1))
                .into(new ArrayList<>()))
        .isEqualTo(SEED);
  }

  /** What the node did with a bad message. */
  private record Outcome(boolean closed, BsonDocument error) {}

  /**
   * Sends {@code bytes} (then, if {@code halfClose}, ends our side of the stream) and returns
   * whether the node closed the connection or the error reply it sent, which must be a well-formed
   * OP_MSG answering {@code requestId} with ok: 0 and a code. After an error reply the connection
   * may be closed or remain usable; if it remains open, it must still answer a ping.
   */
  private static Outcome sendBad(byte[] bytes, int requestId, boolean halfClose)
      throws IOException {
    try (Wire wire = Wire.connect(node.port())) {
      try {
        wire.send(bytes);
      } catch (IOException e) {
        // The node hung up while we were still writing.
        return new Outcome(true, null);
      }
      if (halfClose) {
        wire.shutdownOutput();
      }
      Wire.Reply reply;
      try {
        reply = wire.read();
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("the node neither replied nor closed the connection", e);
      }
      if (reply == null) {
        return new Outcome(true, null);
      }
      assertThat(reply.opCode()).as("reply opcode").isEqualTo(Wire.OP_MSG);
      assertThat(reply.responseTo()).as("responseTo").isEqualTo(requestId);
      BsonDocument body = reply.body();
      assertThat(body.get("ok").asNumber().doubleValue()).as("ok in " + body).isEqualTo(0.0);
      assertThat(body.containsKey("code")).as("code in " + body).isTrue();
      assertThat(body.get("code").asNumber().intValue()).isNotZero();
      assertThat(body.isString("errmsg")).as("errmsg in " + body).isTrue();
      return new Outcome(false, body);
    }
  }

  private static byte[] ping(int requestId, int flags) {
    return Wire.opMsg(
        requestId,
        flags,
        Wire.bson(
            new BsonDocument("ping", new BsonInt32(1)).append("$db", new BsonString("admin"))));
  }

  private static void assertClosedOrError(Outcome outcome) {
    assertThat(outcome.closed() || outcome.error() != null).isTrue();
  }

  @Test
  void wellFormedPingOnARawSocketIsAnswered() throws IOException {
    try (Wire wire = Wire.connect(node.port())) {
      wire.send(ping(77, 0));
      Wire.Reply reply = wire.read();
      assertThat(reply).isNotNull();
      assertThat(reply.responseTo()).isEqualTo(77);
      assertThat(reply.body().get("ok").asNumber().doubleValue()).isEqualTo(1.0);
    }
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrder() throws IOException {
    try (Wire wire = Wire.connect(node.port())) {
      byte[] first = ping(21, 0);
      byte[] second =
          Wire.opMsg(
              22,
              0,
              Wire.bson(
                  new BsonDocument("find", new BsonString("c"))
                      .append("filter", new BsonDocument("_id", new BsonInt32(1)))
                      .append("$db", new BsonString("test"))));
      byte[] both = Arrays.copyOf(first, first.length + second.length);
      System.arraycopy(second, 0, both, first.length, second.length);
      wire.send(both);

      Wire.Reply one = wire.read();
      Wire.Reply two = wire.read();
      assertThat(one.responseTo()).isEqualTo(21);
      assertThat(one.body().get("ok").asNumber().doubleValue()).isEqualTo(1.0);
      assertThat(two.responseTo()).isEqualTo(22);
      assertThat(
              two.body()
                  .getDocument("cursor")
                  .getArray("firstBatch")
                  .get(0)
                  .asDocument()
                  .getString("name")
                  .getValue())
          .isEqualTo("doc-1");
    }
  }

  @Test
  void moreToComeGetsNoReplyButIsExecuted() throws IOException {
    try (Wire wire = Wire.connect(node.port())) {
      int moreToCome = 1 << 1;
      BsonDocument insert =
          new BsonDocument("insert", new BsonString("fireAndForget"))
              .append(
                  "documents",
                  new org.bson.BsonArray(
                      List.of(new BsonDocument("_id", new BsonString("unacknowledged")))))
              .append("writeConcern", new BsonDocument("w", new BsonInt32(0)))
              .append("$db", new BsonString("test"));
      wire.send(Wire.opMsg(31, moreToCome, Wire.bson(insert)));
      BsonDocument count =
          wire.command(
              new BsonDocument("count", new BsonString("fireAndForget"))
                  .append("$db", new BsonString("test")));

      // The first reply on the connection answers the count, not the insert.
      assertThat(count.get("ok").asNumber().doubleValue()).isEqualTo(1.0);
      assertThat(count.get("n").asNumber().intValue()).isEqualTo(1);
      client.getDatabase("test").getCollection("fireAndForget").drop();
    }
  }

  @Test
  void randomBytes() throws IOException {
    Random random = new Random(20261122);
    for (int round = 0; round < 10; round++) {
      byte[] garbage = new byte[1 + random.nextInt(8192)];
      random.nextBytes(garbage);
      // Random length prefixes may announce more than was sent: end the stream so the node
      // cannot wait for the rest forever.
      assertClosedOrError(sendBad(garbage, -1, true));
    }
  }

  @Test
  void randomPayloadsInWellFramedMessages() throws IOException {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      byte[] payload = new byte[random.nextInt(2048)];
      random.nextBytes(payload);
      int opCode = round % 2 == 0 ? Wire.OP_MSG : random.nextInt();
      if (opCode == Wire.OP_MSG && payload.length >= 5) {
        // Valid flags and a body section, so that the random bytes reach the section parser.
        Arrays.fill(payload, 0, 4, (byte) 0);
        payload[4] = 0;
      }
      byte[] message = Wire.message(16 + payload.length, 1000 + round, opCode, payload);
      assertClosedOrError(sendBad(message, 1000 + round, false));
    }
  }

  @Test
  void mutatedCommandsAreRejectedOrAnsweredButNeverCrashTheNode() throws IOException {
    List<BsonDocument> commands =
        List.of(
            new BsonDocument("find", new BsonString("c"))
                .append("filter", new BsonDocument("name", new BsonString("doc-1")))
                .append("batchSize", new BsonInt32(2))
                .append("$db", new BsonString("test")),
            new BsonDocument("insert", new BsonString("fuzz"))
                .append(
                    "documents",
                    new org.bson.BsonArray(
                        List.of(
                            new BsonDocument("a", new BsonInt32(1))
                                .append("b", new BsonString("two")))))
                .append("$db", new BsonString("test")),
            new BsonDocument("aggregate", new BsonString("c"))
                .append(
                    "pipeline",
                    new org.bson.BsonArray(
                        List.of(
                            new BsonDocument(
                                "$group",
                                new BsonDocument("_id", new BsonString("$name"))
                                    .append("n", new BsonDocument("$sum", new BsonInt32(1)))))))
                .append("cursor", new BsonDocument())
                .append("$db", new BsonString("test")));
    Random random = new Random(7);
    int closed = 0;
    int errors = 0;
    int answered = 0;
    for (int round = 0; round < 300; round++) {
      int requestId = 5000 + round;
      byte[] message = Wire.opMsg(requestId, 0, Wire.bson(commands.get(round % commands.size())));
      // Mutate only the section bytes: the header and flags stay valid.
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        message[20 + random.nextInt(message.length - 20)] = (byte) random.nextInt(256);
      }
      try (Wire wire = Wire.connect(node.port())) {
        try {
          wire.send(message);
        } catch (IOException e) {
          closed++;
          continue;
        }
        Wire.Reply reply = wire.read();
        if (reply == null) {
          closed++;
          continue;
        }
        assertThat(reply.responseTo()).isEqualTo(requestId);
        BsonDocument body = reply.body();
        if (body.get("ok").asNumber().doubleValue() == 1.0) {
          answered++;
        } else {
          assertThat(body.get("code").asNumber().intValue()).as("code in " + body).isNotZero();
          errors++;
        }
      }
    }
    assertThat(node.isAlive()).isTrue();
    assertThat(closed + errors + answered).isEqualTo(300);
    // Most single-byte damage inside a BSON document is detected, not silently accepted.
    assertThat(closed + errors).isGreaterThan(answered);
    client.getDatabase("test").getCollection("fuzz").drop();
  }

  @Test
  void truncatedHeaderThenEndOfStream() throws IOException {
    byte[] truncated = Arrays.copyOf(ping(5, 0), 10);

    assertThat(sendBad(truncated, 5, true).closed()).isTrue();
  }

  @Test
  void lengthBelowTheHeaderSizeClosesTheConnection() throws IOException {
    byte[] message = Wire.message(8, 6, Wire.OP_MSG, new byte[0]);

    assertThat(sendBad(message, 6, false).closed()).isTrue();
  }

  @Test
  void maximalMessageLengthClosesTheConnection() throws IOException {
    byte[] message = Wire.message(Integer.MAX_VALUE, 7, Wire.OP_MSG, new byte[64]);

    // Nothing more is sent: the node must not wait for 2 GiB that will never come.
    assertThat(sendBad(message, 7, false).closed()).isTrue();
  }

  @Test
  void negativeMessageLengthClosesTheConnection() throws IOException {
    byte[] message = Wire.message(-1, 8, Wire.OP_MSG, new byte[64]);

    assertThat(sendBad(message, 8, false).closed()).isTrue();
  }

  @Test
  void unknownOpcodes() throws IOException {
    byte[] body = Wire.bson(new BsonDocument("ping", new BsonInt32(1)));
    for (int opCode : new int[] {9999, 2012, 2001, 2010, 0, -1}) {
      byte[] payload =
          ByteBuffer.allocate(4 + body.length)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(0)
              .put(body)
              .array();
      byte[] message = Wire.message(16 + payload.length, 9, opCode, payload);
      assertClosedOrError(sendBad(message, 9, false));
    }
  }

  @Test
  void invalidBsonInTheBody() throws IOException {
    // {ping: 1} with the int32's type byte replaced by 0x55, which is no BSON type.
    byte[] body = Wire.bson(new BsonDocument("ping", new BsonInt32(1)));
    body[4] = 0x55;

    Outcome outcome = sendBad(Wire.opMsg(10, 0, body), 10, false);

    assertClosedOrError(outcome);
    if (outcome.error() != null) {
      assertThat(outcome.error().getInt32("code").getValue()).as("InvalidBSON").isEqualTo(22);
    }
  }

  @Test
  void bodyWhoseSizeOverrunsTheMessage() throws IOException {
    byte[] body = Wire.bson(new BsonDocument("ping", new BsonInt32(1)));
    ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putInt(0, body.length + 100);

    assertClosedOrError(sendBad(Wire.opMsg(11, 0, body), 11, false));
  }

  @Test
  void bodyWithoutDollarDbIsRejected() throws IOException {
    Outcome outcome =
        sendBad(
            Wire.opMsg(12, 0, Wire.bson(new BsonDocument("ping", new BsonInt32(1)))), 12, false);

    assertThat(outcome.error()).as("error reply").isNotNull();
  }

  @Test
  void documentLargerThanTheCommandLimit() throws IOException {
    int limit = 16 * 1024 * 1024 + 16 * 1024;
    BsonDocument insert =
        new BsonDocument("insert", new BsonString("big"))
            .append("documents", new org.bson.BsonArray())
            .append("$db", new BsonString("test"));
    int overhead = Wire.bson(insert.clone().append("pad", new BsonString(""))).length;
    String pad = "x".repeat(limit + 1 - overhead);
    byte[] body = Wire.bson(insert.append("pad", new BsonString(pad)));
    assertThat(body.length).isEqualTo(limit + 1);

    Outcome outcome = sendBad(Wire.opMsg(13, 0, body), 13, false);

    assertClosedOrError(outcome);
    if (outcome.error() != null) {
      assertThat(outcome.error().get("code").asNumber().intValue())
          .as("BSONObjectTooLarge")
          .isEqualTo(10334);
    }
    assertThat(client.getDatabase("test").getCollection("big").countDocuments()).isZero();
  }

  @Test
  void wrongChecksumClosesOrFails() throws IOException {
    byte[] message = ping(14, Wire.CHECKSUM_PRESENT);
    message[message.length - 1] ^= 0x5A;

    Outcome outcome = sendBad(message, 14, false);

    assertClosedOrError(outcome);
  }

  @Test
  void rightChecksumIsAccepted() throws IOException {
    try (Wire wire = Wire.connect(node.port())) {
      wire.send(ping(15, Wire.CHECKSUM_PRESENT));
      Wire.Reply reply = wire.read();
      assertThat(reply).isNotNull();
      assertThat(reply.responseTo()).isEqualTo(15);
      assertThat(reply.body().get("ok").asNumber().doubleValue()).isEqualTo(1.0);
    }
  }

  @Test
  void manyBadConnectionsDoNotLeakConnections() throws Exception {
    for (int i = 0; i < 50; i++) {
      sendBad(Wire.message(Integer.MAX_VALUE, 16, Wire.OP_MSG, new byte[0]), 16, false);
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Document status =
                  client.getDatabase("admin").runCommand(new Document("serverStatus", 1));
              int current = status.get("connections", Document.class).getInteger("current");
              // The shared driver client holds a few; the 50 closed ones must be gone.
              assertThat(current).isLessThan(10);
            });
  }
}
