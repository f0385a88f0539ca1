package dev.starling.node.repl.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded chaos runs over simulated 3- and 5-member replica sets. Every run checks, after every
 * event: at most one primary per term, at most one vote per node per term, durable term never going
 * back, every majority-committed entry staying at its position (in every node that later commits
 * past it and every node that becomes primary), and after healing, a primary committing in its own
 * term within ten election timeouts.
 */
class SimulationTest {
  static final int RUNS_PER_SIZE = 500;

  private static String replay(long seed) {
    return "replay: mvn -q -o -pl node-image test -Dexec.skip"
        + " -Dtest='SimulationTest#replaysTheSeedGivenBySimSeed' -Dsim.seed="
        + seed;
  }

  private static void runSeeds(long first, long step, int count) {
    List<String> failures = new ArrayList<>();
    long events = 0;
    long committed = 0;
    long maxHeal = 0;
    long[] stats = new long[6];
    for (int i = 0; i < count; i++) {
      long seed = first + i * step;
      try {
        SimScenario.Outcome o = SimScenario.run(seed, false);
        events += o.events();
        committed += o.committed();
        maxHeal = Math.max(maxHeal, o.healedAfterMillis());
        for (int k = 0; k < stats.length; k++) {
          stats[k] += o.stats()[k];
        }
      } catch (SimCluster.Violation | AssertionError e) {
        String msg = e.getMessage();
        failures.add(
            "seed "
                + seed
                + " ("
                + SimScenario.membersFor(seed)
                + " members): "
                + msg.lines().findFirst().orElse("")
                + "\n  "
                + replay(seed));
        if (failures.size() >= 5) {
          break;
        }
      }
    }
    System.out.printf(
        "%d runs: %d events, %d committed entries, %d elections won, %d rollbacks (%d entries),"
            + " %d self step-downs, %d catch-ups that fetched entries, %d catch-up takeovers,"
            + " slowest recovery after healing %d ms%n",
        count, events, committed, stats[0], stats[1], stats[2], stats[3], stats[4], stats[5],
        maxHeal);
    assertThat(failures).as("failing seeds").isEmpty();
    assertThat(committed).as("committed entries across runs").isPositive();
    assertThat(events).isPositive();
  }

  @Test
  void threeMemberSetsStaySafeAndElectAPrimaryWithinTenElectionTimeoutsAfterHealing() {
    runSeeds(0, 2, RUNS_PER_SIZE);
  }

  @Test
  void fiveMemberSetsStaySafeAndElectAPrimaryWithinTenElectionTimeoutsAfterHealing() {
    runSeeds(1, 2, RUNS_PER_SIZE);
  }

  /**
   * {@code -Dsim.seed=N} replays one seed with a full event trace on stdout; without it, seed 1
   * runs quietly, so the replay path itself stays tested.
   */
  @Test
  void replaysTheSeedGivenBySimSeed() {
    String s = System.getProperty("sim.seed");
    SimScenario.run(s == null ? 1 : Long.parseLong(s), s != null);
  }
}
