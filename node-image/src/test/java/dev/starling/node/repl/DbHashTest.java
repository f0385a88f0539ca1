package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbHashTest {
  private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

  @TempDir Path dirA;
  @TempDir Path dirB;
  RocksStorageEngine a;
  RocksStorageEngine b;

  @BeforeEach
  void open() {
    a = RocksStorageEngine.open(dirA, WriteObserver.NONE);
    b = RocksStorageEngine.open(dirB, WriteObserver.NONE);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void engineWithTheSameDocumentsWrittenInDifferentOrdersHashEqual() {
    insert(a, "c", "{_id: 1, x: 'a'}", "{_id: 2, x: 'b'}", "{_id: 3, x: 'c'}");
    insert(a, "d", "{_id: 'k'}");
    insert(b, "d", "{_id: 'k'}");
    insert(b, "c", "{_id: 3, x: 'c'}", "{_id: 1, x: 'old'}", "{_id: 2, x: 'b'}");
    replace(b, "c", "{_id: 1, x: 'old'}", "{_id: 1, x: 'a'}");

    DbHash hashA = DbHash.of(a, "test", Set.of());
    DbHash hashB = DbHash.of(b, "test", Set.of());

    assertThat(hashB.collections()).isEqualTo(hashA.collections());
    assertThat(hashB.md5()).isEqualTo(hashA.md5());
    assertThat(hashA.collections().keySet()).containsExactly("c", "d");
  }

  @Test
  void aDifferentDocumentChangesTheCollectionsHashAndTheDatabases() {
    insert(a, "c", "{_id: 1, x: 1}", "{_id: 2}");
    insert(a, "d", "{_id: 1}");
    insert(b, "c", "{_id: 1, x: 2}", "{_id: 2}");
    insert(b, "d", "{_id: 1}");

    DbHash hashA = DbHash.of(a, "test", Set.of());
    DbHash hashB = DbHash.of(b, "test", Set.of());

    assertThat(hashB.collections().get("c")).isNotEqualTo(hashA.collections().get("c"));
    assertThat(hashB.collections().get("d")).isEqualTo(hashA.collections().get("d"));
    assertThat(hashB.md5()).isNotEqualTo(hashA.md5());
  }

  @Test
  void collectionHashIsTheMd5OfItsDocumentsInIdOrderAndTheDatabasesOfTheHashesInNameOrder()
      throws Exception {
    insert(a, "z", "{_id: 2, v: 'two'}", "{_id: 1, v: 'one'}");
    a.collectionForWrite("test", "empty");

    DbHash hash = DbHash.of(a, "test", Set.of());

    MessageDigest docs = MessageDigest.getInstance("MD5");
    docs.update(BsonCodec.encode(BsonDocument.parse("{_id: 1, v: 'one'}")));
    docs.update(BsonCodec.encode(BsonDocument.parse("{_id: 2, v: 'two'}")));
    String z = HexFormat.of().formatHex(docs.digest());
    assertThat(hash.collections()).containsExactly(entry("empty", EMPTY_MD5), entry("z", z));
    String db =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("MD5")
                    .digest((EMPTY_MD5 + z).getBytes(StandardCharsets.US_ASCII)));
    assertThat(hash.md5()).isEqualTo(db);
    assertThat(hash.uuids().get("z")).isEqualTo(a.collection("test", "z").uuid());
  }

  @Test
  void onlyTheNamedReplicatedCollectionsAreHashedAndLocalNotAtAll() {
    insert(a, "c", "{_id: 1}");
    insert(a, "system.profile", "{_id: 1}");
    insert(a, "system.js", "{_id: 1}");
    insert(a, "tmp.mr.x", "{_id: 1}");
    CollectionMeta startupLog = a.collectionForWrite("local", "startup_log");
    try (CollectionWriter w = a.writer(startupLog, Durability.WRITTEN)) {
      w.insert(BsonDocument.parse("{_id: 1}"));
    }

    assertThat(DbHash.of(a, "test", Set.of()).collections().keySet())
        .containsExactly("c", "system.js");
    assertThat(DbHash.of(a, "test", Set.of("c", "missing")).collections().keySet())
        .containsExactly("c");
    DbHash local = DbHash.of(a, "local", Set.of());
    assertThat(local.collections()).isEmpty();
    assertThat(local.md5()).isEqualTo(EMPTY_MD5);
  }

  private static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }

  private static void insert(StorageEngine engine, String name, String... docs) {
    CollectionMeta c = engine.collectionForWrite("test", name);
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      for (String doc : docs) {
        w.insert(BsonDocument.parse(doc));
      }
    }
  }

  private static void replace(StorageEngine engine, String name, String before, String after) {
    try (CollectionWriter w = engine.writer(engine.collection("test", name), Durability.WRITTEN)) {
      w.replace(BsonDocument.parse(before), BsonDocument.parse(after));
    }
  }
}
