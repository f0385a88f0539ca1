package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.HeartbeatRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica-set commands of a one-member set, handed to its pieces. */
class ReplicaSetCommandsTest {
  @TempDir Path dir;
  OneMemberSet set;
  ReplicationCoordinator coordinator;
  ReplicaSetCommands commands;

  @BeforeEach
  void start() {
    set = OneMemberSet.start(dir);
    coordinator = set.coordinator;
    commands = coordinator.replicaSetCommands();
  }

  @AfterEach
  void stop() {
    set.close();
  }

  @Test
  void initiateElectsTheMemberWhoseStatusAndCommittedConfigTheCommandsShow() {
    assertThat(commands.status().config()).isNull();

    commands.initiate(null);

    await().atMost(Duration.ofSeconds(5)).until(coordinator::isWritablePrimary);
    assertThat(commands.status().config().name()).isEqualTo("rs0");
    assertThat(commands.status().primary()).isEqualTo("localhost:27017");
    await().atMost(Duration.ofSeconds(5)).until(commands::isConfigCommitted);
    assertThat(commands.infoMessage()).isEmpty();
  }

  @Test
  void messagesFromOtherMembersAreRefusedWhileReplicationTrafficIsDropped() {
    commands.initiate(null);
    assertThat(commands.failPoints()).isSameAs(coordinator.failPoints());
    commands
        .failPoints()
        .configure(FailPoints.DROP_REPLICATION_TRAFFIC, new BsonString("alwaysOn"));
    BsonDocument heartbeat =
        ReplMessages.heartbeatRequest(new HeartbeatRequest("rs0", 1, 0, 1, 0), "b:1");

    for (ThrowingCallable call :
        List.<ThrowingCallable>of(
            () -> commands.onHeartbeat(heartbeat),
            () -> commands.onRequestVotes(new BsonDocument()),
            () -> commands.onUpdatePosition(List.of(), 1))) {
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(
              MongoServerException.class,
              e -> assertThat(e.error()).isEqualTo(ErrorCode.HOST_UNREACHABLE));
    }
  }
}
