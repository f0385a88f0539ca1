package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The roller on the local control plane: image changes rolled under continuous {@code w:"majority"}
 * writes on 3 and 5 members, a roll that waits for a member already down, a Supervised roll that
 * stops before the primary, and an operator killed at every stage of a roll. Pods are sampled
 * through the API server every 200 ms: how many members are down at once, and every pod UID each
 * member had (a restart is a new UID, so two restarts of one member would show three).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollIT {
  private static LocalCluster cluster;
  private static RolledSet set;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.up(3);
    set = RolledSet.create(cluster, "roll-e2e", "rolled", 3, "starling/node:0.1.0", 2000);
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void anImageChangeOnThreeMembersUnderWritesRestartsEachOnceThePrimaryLastAfterOneStepDown()
      throws Exception {
    assertRolledSafely(set.rollUnderWrites(3, "starling/node:0.1.1"));
  }

  @Test
  @Order(2)
  void aSupervisedRollWaitsForADownMemberSurvivesOperatorKillsAndStopsBeforeThePrimary()
      throws Exception {
    // Pacing keeps 15 s between restarts, so the operator's kills land between them.
    set.patchSpec("{\"updateStrategy\":{\"type\":\"Supervised\",\"pacingSeconds\":15}}");
    set.awaitSettled(3, "starling/node:0.1.1");
    String primary = set.srs().primary();
    String down =
        IntStream.range(0, 3)
            .mapToObj(i -> set.name + "-" + i)
            .filter(p -> !p.equals(primary))
            .findFirst()
            .orElseThrow();
    Map<String, String> before = set.podUids();
    long stepDowns = set.count("StepDown");
    cluster.run("fault", "pause", set.ns + "/" + down).assertOk();
    try (RolledSet.PodSampler pods = set.new PodSampler()) {
      // The member is down for the set before the change arrives.
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(set.srs().member(down).orElseThrow().get("state"))
                      .isNotIn("PRIMARY", "SECONDARY"));
      set.patchSpec("{\"image\":\"starling/node:0.1.2\"}");
      // The roll waits for the member that is down and says so; it restarts no one meanwhile.
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                ReplicaSetView rs = set.srs();
                assertThat(rs.conditionReason("Reconciling")).isEqualTo("MemberUnhealthy");
                assertThat(rs.text("waitingFor")).startsWith(down + " to be healthy");
                assertThat(rs.text("phase")).isEqualTo("Rolling");
              });
      assertThat(set.podUids()).isEqualTo(before);
      cluster.run("fault", "resume", set.ns + "/" + down).assertOk();

      // Every stage of the roll ends with the operator killed; it resumes from what it observes
      // (pacing too: it reads the restarted pod's age). The two members other than the primary are
      // restarted; had both restarts come before a kill, the loop would still end.
      long restartsBefore = set.count("RestartMember");
      while (set.count("RestartMember") < restartsBefore + 2) {
        long seen = set.count("RestartMember");
        await().atMost(RolledSet.ROLL).until(() -> set.count("RestartMember") > seen);
        set.killOperator();
      }
      await()
          .atMost(RolledSet.ROLL)
          .untilAsserted(
              () -> {
                ReplicaSetView rs = set.srs();
                assertThat(rs.conditionReason("Reconciling")).isEqualTo("AwaitingApproval");
                assertThat(rs.text("waitingFor")).contains("starling.dev/approve");
              });
      assertThat(set.podUids().get(primary)).as("primary restarted").isEqualTo(before.get(primary));
      assertThat(set.count("StepDown")).isEqualTo(stepDowns);

      set.cluster
          .kubectl("-n", set.ns, "annotate", "srs/" + set.name, "starling.dev/approve=now")
          .assertOk();
      await().atMost(RolledSet.ROLL).until(() -> set.count("StepDown") > stepDowns);
      set.killOperator();
      set.awaitSettled(3, "starling/node:0.1.2");
      assertThat(pods.uids())
          .as("UIDs per pod")
          .hasSize(3)
          .allSatisfy((p, u) -> assertThat(u).hasSize(2));
      assertThat(pods.maxDown())
          .as("members down at once: %s", pods.downs())
          .isLessThanOrEqualTo(1);
    } finally {
      cluster.run("fault", "resume", set.ns + "/" + down);
    }
    assertThat(set.count("StepDown")).isEqualTo(stepDowns + 1);
    assertThat(set.lastRestarted()).isEqualTo(primary);
    assertThat(set.srs().text("approveHandled")).isEqualTo("now");
  }

  @Test
  @Order(3)
  void anImageChangeOnFiveMembersUnderWritesRestartsEachOnceThePrimaryLastAfterOneStepDown()
      throws Exception {
    set.patchSpec("{\"updateStrategy\":{\"type\":\"Automatic\",\"pacingSeconds\":0}}");
    set.cluster.kubectl("-n", set.ns, "scale", "srs/" + set.name, "--replicas=5").assertOk();
    set.awaitSettled(5, "starling/node:0.1.2");
    assertRolledSafely(set.rollUnderWrites(5, "starling/node:0.1.3"));
  }

  @Test
  @Order(4)
  void aFencedMemberLeavesElectionsAndReadsAndComesBackWhenTheFenceIsLifted() throws Exception {
    String fenced = set.name + "-1";
    set.cluster
        .kubectl("-n", set.ns, "annotate", "srs/" + set.name, "starling.dev/fence=1")
        .assertOk();
    awaitMember(fenced, true, 0.0);
    assertThat(set.srs().primary()).isNotEqualTo(fenced);
    set.cluster
        .kubectl("-n", set.ns, "annotate", "srs/" + set.name, "starling.dev/fence-")
        .assertOk();
    awaitMember(fenced, false, 1.0);
  }

  /** The set is Ready with {@code member} voting, hidden or not, at {@code priority}. */
  private static void awaitMember(String member, boolean hidden, double priority) {
    await()
        .atMost(RolledSet.ROLL)
        .untilAsserted(
            () -> {
              ReplicaSetView rs = set.srs();
              Map<String, Object> m = rs.member(member).orElseThrow();
              assertThat(m.get("hidden")).isEqualTo(hidden);
              assertThat(((Number) m.get("priority")).doubleValue()).isEqualTo(priority);
              assertThat(((Number) m.get("votes")).intValue()).isEqualTo(1);
              assertThat(rs.ready()).isTrue();
            });
  }

  /**
   * What the issue asks of a roll: each member restarted exactly once, at most one down at any
   * sampled instant, exactly one step-down, the primary restarted last. (The writes and dbHash were
   * checked by the roll itself.)
   */
  private static void assertRolledSafely(RolledSet.Roll roll) {
    assertThat(roll.uids())
        .as("UIDs per pod")
        .hasSize(roll.members())
        .allSatisfy((p, u) -> assertThat(u).hasSize(2));
    assertThat(roll.maxDown())
        .as("members down at once: %s", roll.downSamples())
        .isLessThanOrEqualTo(1);
    assertThat(roll.stepDowns()).as("step-downs").isEqualTo(1);
    assertThat(roll.lastRestarted()).as("restarted last").isEqualTo(roll.primaryBefore());
    assertThat(roll.acknowledged()).isGreaterThan(10);
  }
}
