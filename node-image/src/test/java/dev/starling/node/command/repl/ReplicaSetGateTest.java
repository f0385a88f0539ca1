package dev.starling.node.command.repl;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Commands;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.OneMemberSet;
import dev.starling.node.repl.ReplicationCoordinator;
import dev.starling.node.repl.StandaloneReplication;
import java.nio.file.Path;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaSetGateTest {
  @TempDir Path dir;
  OneMemberSet set;
  ReplicationCoordinator replication;

  @BeforeEach
  void start() {
    set = OneMemberSet.start(dir);
    replication = set.coordinator;
  }

  @AfterEach
  void stop() {
    set.close();
  }

  /** The gate as the dispatcher runs it: with what the named command declares. */
  private void check(String json, String db) {
    BsonDocument command = BsonDocument.parse(json);
    ReplicaSetGate.check(replication, allowed(command.getFirstKey()), db, command);
  }

  private static CommandMetadata.AllowedOnSecondary allowed(String name) {
    return Commands.registry().find(name).metadata().secondary();
  }

  private void assertRefused(String json, ErrorCode code) {
    assertThatThrownBy(() -> check(json, "test"))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.error()).isEqualTo(code));
  }

  @Test
  void uninitiatedMemberRefusesWritesAndReadsButNotLocalOrAdminCommands() {
    assertRefused("{insert: 'c', documents: [{}]}", ErrorCode.NOT_WRITABLE_PRIMARY);
    assertRefused("{createIndexes: 'c', indexes: []}", ErrorCode.NOT_WRITABLE_PRIMARY);
    assertRefused("{find: 'c'}", ErrorCode.NOT_PRIMARY_NO_SECONDARY_OK);
    assertRefused(
        "{find: 'c', $readPreference: {mode: 'primary'}}", ErrorCode.NOT_PRIMARY_NO_SECONDARY_OK);
    assertRefused(
        "{find: 'c', $readPreference: {mode: 'secondaryPreferred'}}",
        ErrorCode.NOT_PRIMARY_OR_SECONDARY);
    assertThatCode(() -> check("{insert: 'c', documents: [{}]}", "local"))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("{find: 'oplog.rs'}", "local")).doesNotThrowAnyException();
    assertThatCode(() -> check("{hello: 1}", "admin")).doesNotThrowAnyException();
    assertThatCode(() -> check("{ping: 1}", "test")).doesNotThrowAnyException();
  }

  @Test
  void primaryAcceptsEverything() {
    replication.replicaSetCommands().initiate(null);
    await().until(replication::isWritablePrimary);
    assertThatCode(() -> check("{insert: 'c', documents: [{}]}", "test"))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("{find: 'c'}", "test")).doesNotThrowAnyException();
  }

  @Test
  void standaloneIsNeverGated() {
    BsonDocument insert = BsonDocument.parse("{insert: 'c', documents: [{}]}");
    assertThatCode(
            () ->
                ReplicaSetGate.check(
                    new StandaloneReplication(), allowed("insert"), "test", insert))
        .doesNotThrowAnyException();
  }
}
