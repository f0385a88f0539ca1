package dev.starling.node.command.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.command.CommandContext;
import dev.starling.node.command.NodeServices;
import dev.starling.node.config.NodeOptions;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.StandaloneReplication;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbHashCommandTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  CommandContext context;

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    NodeOptions options = new NodeOptions();
    options.port = 27018;
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC);
    NodeServices node =
        new NodeServices(
            engine,
            null,
            options,
            null,
            null,
            null,
            clock,
            Instant.EPOCH,
            "node1",
            new StandaloneReplication(),
            null,
            new dev.starling.node.command.FailCommandPoint(),
            new dev.starling.node.session.LogicalSessions(java.time.Duration.ofMinutes(30)));
    context = new CommandContext("test", null, node);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void repliesWithMongodsFields() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(BsonDocument.parse("{_id: 1}"));
    }
    engine.collectionForWrite("test", "d");

    BsonDocument reply = new DbHashCommand().run(context, BsonDocument.parse("{dbHash: 1}"));

    assertThat(reply.keySet())
        .containsExactly("host", "collections", "capped", "uuids", "md5", "timeMillis");
    assertThat(reply.getString("host").getValue()).isEqualTo("node1:27018");
    assertThat(reply.getDocument("collections").keySet()).containsExactly("c", "d");
    assertThat(reply.getDocument("collections").getString("d").getValue())
        .isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(reply.getArray("capped")).isEmpty();
    assertThat(reply.getDocument("uuids").get("c"))
        .isEqualTo(new BsonBinary(c.uuid(), UuidRepresentation.STANDARD));
    assertThat(reply.getString("md5").getValue()).hasSize(32);
    assertThat(reply.getInt64("timeMillis").getValue()).isZero();
  }

  @Test
  void hashesOnlyTheListedCollections() {
    engine.collectionForWrite("test", "c");
    engine.collectionForWrite("test", "d");

    BsonDocument reply =
        new DbHashCommand().run(context, BsonDocument.parse("{dbHash: 1, collections: ['d']}"));

    assertThat(reply.getDocument("collections").keySet()).containsExactly("d");
    assertThatThrownBy(
            () ->
                new DbHashCommand()
                    .run(context, BsonDocument.parse("{dbHash: 1, collections: [1]}")))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.BAD_VALUE));
  }
}
