package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica-set flow of MongoDB's documents in mongosh: rs.initiate() on one member, rs.add() of
 * two more, rs.conf() and rs.status() with the manual's fields; then an empty fourth member is
 * added and initial-syncs to the same dbHash.
 */
class MongoshReplicaSetIT {
  @TempDir Path home;

  @Test
  void initiateAddConfStatusAndAnInitialSyncedFourthMember() throws Exception {
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("mongosh-rs", 4)) {
      String js =
          """
          const ports = %s;
          const hostOf = (p) => 'localhost:' + p;
          const waitFor = (what, f) => {
            for (let i = 0; i < 600; i++) { if (f()) return; sleep(100); }
            throw new Error('timed out waiting for ' + what);
          };
          const initiated = rs.initiate();
          waitFor('primary', () => db.hello().isWritablePrimary);
          const add1 = rs.add(hostOf(ports[1]));
          const add2 = rs.add({ host: hostOf(ports[2]) });
          const healthy = (n) => () => {
            const s = rs.status();
            return s.members.length === n
                && s.members.every((m) => m.stateStr === 'PRIMARY' || m.stateStr === 'SECONDARY');
          };
          waitFor('three healthy members', healthy(3));
          // As in MongoDB 4.4+, each new member is newlyAdded until it caught up; the primary then
          // clears the mark with a reconfig of its own (versions 4 and 5), and the next rs.add()
          // waits until that config is committed.
          const committed = () => db.adminCommand({ replSetGetConfig: 1, commitmentStatus: true }).commitmentStatus;
          waitFor('both new members voting', () => rs.status().votingMembersCount === 3 && committed());
          const t = db.getSiblingDB('test');
          t.books.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, title: 'b' + i, n: i %% 7 })),
              { writeConcern: { w: 'majority' } });
          t.books.createIndex({ n: 1 });
          t.books.updateMany({ n: 3 }, { $set: { seen: true } }, { writeConcern: { w: 'majority' } });
          const conf = rs.conf();
          const status = rs.status();
          waitFor('a committed config', committed);
          rs.add(hostOf(ports[3]));
          waitFor('four healthy members', healthy(4));
          const hashes = ports.map((p) => {
            const conn = new Mongo('mongodb://127.0.0.1:' + p + '/?directConnection=true&readPreference=secondaryPreferred');
            let h = null;
            for (let i = 0; i < 300; i++) {
              h = conn.getDB('test').runCommand({ dbHash: 1 }).md5;
              const primaryHash = db.getSiblingDB('test').runCommand({ dbHash: 1 }).md5;
              if (h === primaryHash) break;
              sleep(100);
            }
            return h;
          });
          const fourth = new Mongo('mongodb://127.0.0.1:' + ports[3] + '/?directConnection=true&readPreference=secondaryPreferred');
          print('RESULT ' + EJSON.stringify({
            initiated: initiated.ok, add1: add1.ok, add2: add2.ok,
            conf: { _id: conf._id, version: conf.version,
                    members: conf.members.map((m) => ({ _id: m._id, host: m.host, priority: m.priority, votes: m.votes })) },
            statusFields: Object.keys(status),
            memberFields: Object.keys(status.members.find((m) => !m.self)),
            selfFields: Object.keys(status.members.find((m) => m.self)),
            states: status.members.map((m) => m.stateStr),
            hashes,
            fourthCount: fourth.getDB('test').books.countDocuments({}),
            fourthIndexes: fourth.getDB('test').books.getIndexes().map((i) => i.name).sort(),
          }, { relaxed: true }));
          """
              .formatted(
                  "["
                      + rs.node(0).port()
                      + ","
                      + rs.node(1).port()
                      + ","
                      + rs.node(2).port()
                      + ","
                      + rs.node(3).port()
                      + "]");
      ClientRun run =
          ClientRun.run(
              "mongosh-replset",
              List.of(
                  MongoshIT.clients().resolve("node_modules/.bin/mongosh").toString(),
                  "--quiet",
                  "--norc",
                  "mongodb://127.0.0.1:" + rs.node(0).port() + "/?directConnection=true",
                  "--eval",
                  js),
              Map.of("HOME", home.toString(), "MONGOSH_NO_UPDATE_CHECK", "1", "DO_NOT_TRACK", "1"),
              home);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      Document r = run.result();
      assertThat(r.get("initiated", Number.class).intValue()).isEqualTo(1);
      assertThat(r.get("add1", Number.class).intValue()).isEqualTo(1);
      assertThat(r.get("add2", Number.class).intValue()).isEqualTo(1);

      Document conf = r.get("conf", Document.class);
      assertThat(conf.getString("_id")).isEqualTo("rs0");
      assertThat(conf.get("version", Number.class).intValue()).isEqualTo(5);
      assertThat(conf.getList("members", Document.class))
          .extracting(m -> m.getString("host"))
          .containsExactly(
              "localhost:" + rs.node(0).port(),
              "localhost:" + rs.node(1).port(),
              "localhost:" + rs.node(2).port());

      assertThat(r.getList("statusFields", String.class))
          .contains(
              "set",
              "date",
              "myState",
              "term",
              "heartbeatIntervalMillis",
              "majorityVoteCount",
              "writeMajorityCount",
              "optimes",
              "members");
      assertThat(r.getList("memberFields", String.class))
          .contains(
              "_id",
              "name",
              "health",
              "state",
              "stateStr",
              "uptime",
              "optime",
              "optimeDurable",
              "optimeDate",
              "lastHeartbeat",
              "lastHeartbeatRecv",
              "pingMs",
              "syncSourceHost",
              "configVersion");
      assertThat(r.getList("selfFields", String.class))
          .contains("_id", "name", "health", "state", "stateStr", "uptime", "optime", "self");
      assertThat(r.getList("states", String.class))
          .containsExactlyInAnyOrder("PRIMARY", "SECONDARY", "SECONDARY");

      List<String> hashes = r.getList("hashes", String.class);
      assertThat(hashes).hasSize(4).doesNotContainNull();
      assertThat(hashes).containsOnly(hashes.get(0));
      assertThat(r.get("fourthCount", Number.class).intValue()).isEqualTo(300);
      assertThat(r.getList("fourthIndexes", String.class)).containsExactly("_id_", "n_1");
    }
  }
}
