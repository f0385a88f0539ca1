package dev.starling.e2e.local;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault scenarios with a history checker (docs/FAULTS.md), on the local control plane: a
 * three-member ReplicaSet made by the operator, two {@code w:"majority"} writers (the Java driver
 * and the current PyMongo) recording every acknowledged write and every error while a fault hits
 * the primary, then every member compared ({@code dbHash}) and every acknowledged write looked for.
 * Each scenario ({@link FaultScenarios}, which FaultBenchmark repeats) runs once, starting from and
 * ending by restoring a healthy set; what each one measured is printed and written to {@code
 * e2e/target/fault-scenarios/summary.json}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultScenariosIT {

  private static LocalCluster cluster;
  private static FaultScenarios scenarios;

  @BeforeAll
  static void up() throws Exception {
    Path out = LocalCluster.checkout().resolve("e2e/target/fault-scenarios");
    cluster = LocalCluster.up(3);
    scenarios = FaultScenarios.create(cluster, out);
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (scenarios != null && !scenarios.summaries().isEmpty()) {
        System.out.println(scenarios.table());
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(1)
  void killNineOfThePrimary() throws Exception {
    scenarios.run("kill-primary");
  }

  @Test
  @Order(2)
  void sigstopOfThePrimaryLongerThanTheElectionTimeout() throws Exception {
    scenarios.run("pause-primary-6s");
  }

  @Test
  @Order(3)
  void sigstopOfThePrimaryShorterThanTheElectionTimeout() throws Exception {
    scenarios.run("pause-primary-1s");
  }

  @Test
  @Order(4)
  void thePrimaryCutFromTheOthersStepsDownAndRollsBackAfterTheHeal() throws Exception {
    scenarios.run("isolate-primary");
  }

  @Test
  @Order(5)
  void thePrimarysPodDeleted() throws Exception {
    scenarios.run("delete-primary-pod");
  }

  @Test
  @Order(6)
  void anEvictionDrainOfTwoMembersNodesIsLimitedByThePodDisruptionBudget() throws Exception {
    scenarios.run("drain-two-nodes");
  }
}
