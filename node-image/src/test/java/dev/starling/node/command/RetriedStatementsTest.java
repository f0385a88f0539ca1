package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.starling.node.repl.OneMemberSet;
import java.nio.file.Path;
import java.time.Clock;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a retried write command reports, through the dispatcher of a one-member set: as mongod
 * (5.0+), an insert, update or delete names the statements it answered from the session's history
 * in {@code retriedStmtIds} (int32s, in statement order; absent when none was), a findAndModify in
 * {@code retriedStmtId}.
 */
class RetriedStatementsTest {
  @TempDir Path dir;
  OneMemberSet set;
  CommandDispatcher dispatcher;

  @BeforeEach
  void start() {
    set = OneMemberSet.start(dir);
    set.coordinator.replicaSetCommands().initiate(null);
    await().until(set.coordinator::isWritablePrimary);
    dispatcher =
        new CommandDispatcher(
            Commands.registry(), TestNodes.of(set.engine, Clock.systemUTC(), set.coordinator));
  }

  @AfterEach
  void stop() {
    set.close();
  }

  private BsonDocument run(String json, BsonDocument lsid, long txnNumber) {
    BsonDocument command =
        BsonDocument.parse(json).append("lsid", lsid).append("txnNumber", new BsonInt64(txnNumber));
    BsonDocument reply = TestNodes.run(dispatcher, "test", command);
    assertThat(reply.getDouble("ok").getValue()).as(reply.toJson()).isEqualTo(1.0);
    return reply;
  }

  private static BsonArray ids(int... ids) {
    BsonArray array = new BsonArray();
    for (int id : ids) {
      array.add(new BsonInt32(id));
    }
    return array;
  }

  @Test
  void anInsertNamesTheStatementsItDidNotRunAgain() {
    BsonDocument lsid = TestNodes.newLsid();
    BsonDocument first = run("{insert: 'c', documents: [{_id: 1}, {_id: 2}]}", lsid, 1);
    assertThat(first.getInt32("n").getValue()).isEqualTo(2);
    assertThat(first.containsKey("retriedStmtIds")).as("nothing was retried").isFalse();

    // The retry carries one more statement: 0 and 1 come from the history, 2 runs.
    BsonDocument retry = run("{insert: 'c', documents: [{_id: 1}, {_id: 2}, {_id: 3}]}", lsid, 1);
    assertThat(retry.getInt32("n").getValue()).isEqualTo(3);
    assertThat(retry.containsKey("writeErrors")).as(retry.toJson()).isFalse();
    assertThat(retry.get("retriedStmtIds")).isEqualTo(ids(0, 1));
    assertThat(retry.getArray("retriedStmtIds").get(0).isInt32()).isTrue();

    // A new transaction number of the session runs its statements.
    BsonDocument next = run("{insert: 'c', documents: [{_id: 4}]}", lsid, 2);
    assertThat(next.containsKey("retriedStmtIds")).isFalse();
  }

  @Test
  void anUpdateAndADeleteNameTheirRetriedStatements() {
    BsonDocument lsid = TestNodes.newLsid();
    run("{insert: 'c', documents: [{_id: 1, v: 0}, {_id: 2, v: 0}]}", lsid, 1);
    String update =
        "{update: 'c', updates: [{q: {_id: 1}, u: {$inc: {v: 1}}},"
            + " {q: {_id: 9}, u: {$set: {v: 9}}, upsert: true}]}";
    BsonDocument first = run(update, lsid, 2);
    assertThat(first.containsKey("retriedStmtIds")).isFalse();
    BsonDocument retried = run(update, lsid, 2);
    assertThat(retried.getInt32("n").getValue()).isEqualTo(2);
    assertThat(retried.getInt32("nModified").getValue()).isOne();
    assertThat(retried.getArray("upserted")).isEqualTo(first.getArray("upserted"));
    assertThat(retried.get("retriedStmtIds")).isEqualTo(ids(0, 1));

    // The retry of this delete carries a second statement, which runs.
    run("{delete: 'c', deletes: [{q: {_id: 2}, limit: 1}]}", lsid, 3);
    BsonDocument delete =
        run("{delete: 'c', deletes: [{q: {_id: 2}, limit: 1}, {q: {_id: 9}, limit: 1}]}", lsid, 3);
    assertThat(delete.getInt32("n").getValue()).isEqualTo(2);
    assertThat(delete.get("retriedStmtIds")).isEqualTo(ids(0));
  }

  @Test
  void aFindAndModifyNamesItsRetriedStatement() {
    BsonDocument lsid = TestNodes.newLsid();
    run("{insert: 'c', documents: [{_id: 1, v: 0}]}", lsid, 1);
    String command = "{findAndModify: 'c', query: {_id: 1}, update: {$inc: {v: 1}}, new: true}";
    BsonDocument first = run(command, lsid, 2);
    assertThat(first.containsKey("retriedStmtId")).isFalse();
    BsonDocument retried = run(command, lsid, 2);
    assertThat(retried.get("value")).isEqualTo(first.get("value"));
    assertThat(retried.get("retriedStmtId")).isEqualTo(new BsonInt32(0));
  }
}
