package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mongosh's membership helpers against a real 3-member set, as against MongoDB 6.0: rs.addArb() is
 * refused while it would change the implicit default write concern, getDefaultRWConcern and
 * setDefaultRWConcern, then rs.addArb(), rs.add(), rs.remove() and rs.reconfig() succeed, and
 * rs.conf() never shows newlyAdded.
 */
class MongoshReconfigIT {
  @TempDir Path home;

  @Test
  void addArbIsRefusedUntilADefaultIsSetThenAddRemoveAndReconfigWork() throws Exception {
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("mongosh-reconfig", 4)) {
      List<Document> three =
          List.of(
              new Document("_id", 0).append("host", rs.host(0)),
              new Document("_id", 1).append("host", rs.host(1)),
              new Document("_id", 2).append("host", rs.host(2)));
      rs.direct(0)
          .getDatabase("admin")
          .runCommand(
              new Document(
                  "replSetInitiate",
                  new Document("_id", ReplicaSetCluster.SET)
                      .append("members", three)
                      .append("settings", new Document("electionTimeoutMillis", 2000))));
      int primary = rs.awaitPrimaryAmong(List.of(0, 1, 2));
      rs.awaitSecondaries(2);
      String arbiter = "127.0.0.1:" + NodeProcess.freePort();
      String js =
          """
          const arbiter = %s;
          const fourth = %s;
          const waitFor = (what, f) => {
            for (let i = 0; i < 600; i++) { if (f()) return; sleep(100); }
            throw new Error('timed out waiting for ' + what);
          };
          const committed = () => db.adminCommand({ replSetGetConfig: 1, commitmentStatus: true }).commitmentStatus;
          waitFor('a committed config', committed);
          const implicitDefault = db.adminCommand({ getDefaultRWConcern: 1 });
          let refused = null;
          try { rs.addArb(arbiter); } catch (e) { refused = { code: e.code, codeName: e.codeName, message: e.message }; }
          const versionAfterRefusal = rs.conf().version;
          const set = db.adminCommand({ setDefaultRWConcern: 1, defaultWriteConcern: { w: 1 } });
          const globalDefault = db.adminCommand({ getDefaultRWConcern: 1 });
          const addArb = rs.addArb(arbiter);
          waitFor('a committed config', committed);
          const add = rs.add(fourth);
          waitFor('the fourth member to catch up and vote', () => {
            const c = db.adminCommand({ replSetGetConfig: 1, $_internalIncludeNewlyAdded: true }).config;
            const m = c.members.find((x) => x.host === fourth);
            const s = rs.status().members.find((x) => x.name === fourth);
            return m && !m.newlyAdded && s && s.stateStr === 'SECONDARY' && committed();
          });
          const confWithFour = rs.conf();
          const remove = rs.remove(fourth);
          waitFor('a committed config', committed);
          const cfg = rs.conf();
          cfg.members[0].priority = 2;
          const reconfig = rs.reconfig(cfg);
          const last = rs.conf();
          print('RESULT ' + EJSON.stringify({
            implicitDefault, refused, versionAfterRefusal, set: set.ok, globalDefault,
            addArb: addArb.ok, add: add.ok, remove: remove.ok, reconfig: reconfig.ok,
            withFour: confWithFour.members.map((m) => ({ host: m.host, arbiterOnly: m.arbiterOnly, keys: Object.keys(m) })),
            last: { version: last.version, hosts: last.members.map((m) => m.host), priority0: last.members[0].priority },
          }, { relaxed: true }));
          """
              .formatted("'" + arbiter + "'", "'" + rs.host(3) + "'");
      ClientRun run =
          ClientRun.run(
              "mongosh-reconfig",
              List.of(
                  MongoshIT.clients().resolve("node_modules/.bin/mongosh").toString(),
                  "--quiet",
                  "--norc",
                  "mongodb://" + rs.host(primary) + "/?directConnection=true",
                  "--eval",
                  js),
              Map.of("HOME", home.toString(), "MONGOSH_NO_UPDATE_CHECK", "1", "DO_NOT_TRACK", "1"),
              home);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      Document r = run.result();

      Document implicit = r.get("implicitDefault", Document.class);
      assertThat(implicit.get("defaultWriteConcern", Document.class))
          .isEqualTo(new Document("w", "majority").append("wtimeout", 0));
      assertThat(implicit.getString("defaultWriteConcernSource")).isEqualTo("implicit");

      Document refused = r.get("refused", Document.class);
      assertThat(refused.getInteger("code")).isEqualTo(103);
      assertThat(refused.getString("codeName")).isEqualTo("NewReplicaSetConfigurationIncompatible");
      assertThat(refused.getString("message"))
          .contains(
              "Reconfig attempted to install a config that would change the implicit default write"
                  + " concern. Use the setDefaultRWConcern command to set a cluster-wide write"
                  + " concern and try the reconfig again.");
      assertThat(r.getInteger("versionAfterRefusal")).isEqualTo(1);

      assertThat(r.getInteger("set")).isEqualTo(1);
      Document global = r.get("globalDefault", Document.class);
      assertThat(global.get("defaultWriteConcern", Document.class))
          .isEqualTo(new Document("w", 1).append("wtimeout", 0));
      assertThat(global.getString("defaultWriteConcernSource")).isEqualTo("global");

      assertThat(r.getInteger("addArb")).isEqualTo(1);
      assertThat(r.getInteger("add")).isEqualTo(1);
      assertThat(r.getInteger("remove")).isEqualTo(1);
      assertThat(r.getInteger("reconfig")).isEqualTo(1);
      List<Document> withFour = r.getList("withFour", Document.class);
      assertThat(withFour)
          .extracting(m -> m.getString("host"))
          .containsExactly(rs.host(0), rs.host(1), rs.host(2), arbiter, rs.host(3));
      assertThat(withFour.get(3).getBoolean("arbiterOnly")).isTrue();
      assertThat(withFour)
          .allSatisfy(
              m -> assertThat(m.getList("keys", String.class)).doesNotContain("newlyAdded"));
      Document last = r.get("last", Document.class);
      assertThat(last.getList("hosts", String.class))
          .containsExactly(rs.host(0), rs.host(1), rs.host(2), arbiter);
      assertThat(last.get("priority0", Number.class).doubleValue()).isEqualTo(2.0);

      // The default was replicated: every data-bearing member reports it.
      for (int i = 0; i < 3; i++) {
        int member = i;
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(
                            rs.direct(member)
                                .getDatabase("admin")
                                .runCommand(new Document("getDefaultRWConcern", 1))
                                .get("defaultWriteConcern", Document.class))
                        .isEqualTo(new Document("w", 1).append("wtimeout", 0)));
      }
    }
  }
}
