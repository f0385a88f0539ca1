package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.command.CommandMetadata.AllowedOnSecondary;
import dev.starling.node.repl.OneMemberSet;
import dev.starling.node.wire.OpCode;
import dev.starling.node.wire.Request;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered command's metadata against what mongod 6.0 declares for the same command ({@code
 * secondaryAllowed()}, {@code supportsWriteConcern()}) and counts it as in serverStatus opcounters.
 * A new command fails here until its row is added.
 */
class CommandMetadataTest {
  private static final AllowedOnSecondary ALWAYS = AllowedOnSecondary.ALWAYS;
  private static final AllowedOnSecondary OPT_IN = AllowedOnSecondary.OPT_IN;
  private static final AllowedOnSecondary NEVER = AllowedOnSecondary.NEVER;

  /** One row of mongod's behaviour. */
  private record Mongod(
      AllowedOnSecondary secondary, boolean writeConcern, OpCounters.Kind counter) {}

  private static Mongod row(AllowedOnSecondary secondary, boolean writeConcern) {
    return new Mongod(secondary, writeConcern, OpCounters.Kind.COMMAND);
  }

  private static final Map<String, Mongod> MONGOD = new TreeMap<>();

  static {
    for (String name :
        List.of(
            "hello",
            "isMaster",
            "ismaster",
            "ping",
            "buildInfo",
            "buildinfo",
            "serverStatus",
            "hostInfo",
            "whatsmyuri",
            "getCmdLineOpts",
            "getParameter",
            "endSessions",
            "startSession",
            "refreshSessions",
            "killSessions",
            "killAllSessions",
            "killAllSessionsByPattern",
            "connectionStatus",
            "getLog",
            "killCursors",
            "dbHash",
            "dbhash",
            "configureFailPoint",
            "getDefaultRWConcern",
            "replSetInitiate",
            "replSetGetConfig",
            "replSetGetStatus",
            "replSetHeartbeat",
            "replSetRequestVotes",
            "replSetUpdatePosition",
            "replSetStepDown",
            "replSetFreeze",
            "replSetStepUp",
            "replSetAbortPrimaryCatchUp",
            "replSetResizeOplog",
            "replSetReconfig",
            "replSetSyncFrom")) {
      MONGOD.put(name, row(ALWAYS, false));
    }
    MONGOD.put("getMore", new Mongod(ALWAYS, false, OpCounters.Kind.GETMORE));
    MONGOD.put("find", new Mongod(OPT_IN, false, OpCounters.Kind.QUERY));
    for (String name :
        List.of(
            "count",
            "distinct",
            "aggregate", // without $out or $merge, which this node does not run
            "explain",
            "listDatabases",
            "listCollections",
            "listIndexes",
            "collStats",
            "collstats",
            "dbStats",
            "dbstats")) {
      MONGOD.put(name, row(OPT_IN, false));
    }
    MONGOD.put("insert", new Mongod(NEVER, true, OpCounters.Kind.INSERT));
    MONGOD.put("update", new Mongod(NEVER, true, OpCounters.Kind.UPDATE));
    MONGOD.put("delete", new Mongod(NEVER, true, OpCounters.Kind.DELETE));
    for (String name :
        List.of(
            "findAndModify",
            "findandmodify",
            "create",
            "drop",
            "dropDatabase",
            "renameCollection",
            "createIndexes",
            "dropIndexes",
            "deleteIndexes",
            "setDefaultRWConcern")) {
      MONGOD.put(name, row(NEVER, true));
    }
  }

  /**
   * Where this node knowingly differs from mongod, and what it declares instead. listDatabases runs
   * anywhere, as it always has here: as mongod's opt-in read it would be refused on an arbiter (not
   * readable), where tests and tools list databases to show that it holds none.
   */
  private static final Map<String, AllowedOnSecondary> KNOWN_DIFFERENCES =
      Map.of("listDatabases", ALWAYS);

  @Test
  void everyRegisteredCommandDeclaresWhatMongodDoes() {
    CommandRegistry registry = Commands.registry();
    assertThat(registry.names()).as("commands without a row").isSubsetOf(MONGOD.keySet());
    assertThat(MONGOD.keySet()).as("rows without a command").isSubsetOf(registry.names());
    for (String name : registry.names()) {
      CommandMetadata ours = registry.find(name).metadata();
      Mongod mongod = MONGOD.get(name);
      assertThat(ours.secondary())
          .as("%s on a secondary", name)
          .isEqualTo(KNOWN_DIFFERENCES.getOrDefault(name, mongod.secondary()));
      assertThat(ours.writeConcern().supported())
          .as("%s takes a write concern", name)
          .isEqualTo(mongod.writeConcern());
      assertThat(ours.counter()).as("%s counts as", name).isEqualTo(mongod.counter());
    }
  }

  @Test
  void catalogChangesHaveTheirWriteConcernAwaitedByTheDispatcherAndCrudWritesByThemselves() {
    CommandRegistry registry = Commands.registry();
    for (String name :
        List.of(
            "create",
            "drop",
            "dropDatabase",
            "renameCollection",
            "createIndexes",
            "dropIndexes",
            "deleteIndexes")) {
      assertThat(registry.find(name).metadata().writeConcern())
          .as(name)
          .isEqualTo(CommandMetadata.WriteConcernUse.AWAITED_AFTER_RUN);
    }
    for (String name :
        List.of("insert", "update", "delete", "findAndModify", "setDefaultRWConcern")) {
      assertThat(registry.find(name).metadata().writeConcern())
          .as(name)
          .isEqualTo(CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND);
    }
  }

  @Test
  void explainOnANonPrimaryWithoutSecondaryOkIsRefusedWith13435(@TempDir Path dir) {
    try (OneMemberSet set = OneMemberSet.start(dir)) {
      NodeServices node = TestNodes.of(set.engine, Clock.systemUTC(), set.coordinator);
      CommandDispatcher dispatcher = new CommandDispatcher(Commands.registry(), node);

      BsonDocument reply =
          dispatcher.handle(
              new Request(
                  1,
                  OpCode.OP_MSG,
                  "test",
                  BsonDocument.parse("{explain: {find: 'c'}, $db: 'test'}"),
                  false,
                  false),
              null);

      assertThat(reply.getInt32("code").getValue()).isEqualTo(13435);
      assertThat(reply.getString("codeName").getValue()).isEqualTo("NotPrimaryNoSecondaryOk");
    }
  }
}
