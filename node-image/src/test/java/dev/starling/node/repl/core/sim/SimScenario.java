package dev.starling.node.repl.core.sim;

import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.ReplSetConfig;
import java.util.Map;
import java.util.Random;

/**
 * One seeded chaos run: a random 3- or 5-member set (even seeds: 3, odd: 5; some with priorities,
 * an arbiter, a hidden member or chaining off, and various catch-up settings) goes through a chaos
 * phase of crashes, restarts, partitions, message loss and delay, step-downs and freezes; then
 * everything heals and a primary of the newest term must be elected, and must commit in its own
 * term, within ten election timeouts.
 */
public final class SimScenario {
  public static final long CHAOS_MILLIS = 60_000;
  public static final int LIVENESS_ELECTION_TIMEOUTS = 10;

  /** What a run did, for the test report. */
  public record Outcome(
      long events, int committed, long simulatedMillis, long healedAfterMillis, long[] stats) {}

  private SimScenario() {}

  public static int membersFor(long seed) {
    return seed % 2 == 0 ? 3 : 5;
  }

  static ReplSetConfig configFor(long seed, Random r) {
    int n = membersFor(seed);
    ReplSetConfig.Builder b = ReplSetConfig.builder("rs" + seed);
    int shape = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      MemberConfig m = MemberConfig.of(i, "n" + i + ":27017");
      if (shape == 1) {
        m = m.withPriority(1 + r.nextInt(3)); // priority takeovers
      } else if (shape == 2 && i == n - 1) {
        m = new MemberConfig(i, m.host(), 0, 1, false, 0, true, true, Map.of()); // arbiter
      } else if (shape == 3 && i == n - 1) {
        m = new MemberConfig(i, m.host(), 0, 1, true, 0, false, true, Map.of()); // hidden
      } else if (shape == 4 && i == 0) {
        m = m.withPriority(0);
      }
      b.member(m);
    }
    if (shape == 5) {
      b.chainingAllowed(false);
    }
    if (r.nextBoolean()) {
      b.electionTimeoutMillis(3000).heartbeatIntervalMillis(1000); // more elections per run
    }
    // Catch-up settings draw from their own stream, so the rest of each seed's run is unchanged.
    Random catchUp = new Random(~seed);
    switch (catchUp.nextInt(4)) {
      case 0 -> b.catchUpTimeoutMillis(0); // no catch-up phase
      case 1 -> b.catchUpTimeoutMillis(1000 + catchUp.nextInt(2000)); // a bounded one
      case 2 -> b.catchUpTakeoverDelayMillis(1000 + catchUp.nextInt(3000)); // prompt takeovers
      default -> {} // mongod's defaults: no limit, takeover after 30 s
    }
    return b.build();
  }

  /** Runs the seed; throws {@link SimCluster.Violation} or {@link AssertionError} on failure. */
  public static Outcome run(long seed, boolean trace) {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    ReplSetConfig config = configFor(seed, r);
    SimCluster sim = new SimCluster(seed, config, trace);
    int n = sim.nodes().size();
    long electionTimeout = config.electionTimeoutMillis();

    // Chaos.
    while (sim.now() < CHAOS_MILLIS) {
      sim.runUntil(sim.now() + 300 + r.nextInt(4000));
      SimCluster.Node node = sim.nodes().get(r.nextInt(n));
      int dice = r.nextInt(100);
      if (dice < 14) {
        sim.crash(node);
      } else if (dice < 30) {
        sim.restart(node);
      } else if (dice < 42) {
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
          groups[i] = r.nextInt(2);
        }
        sim.partition(groups);
      } else if (dice < 50) {
        int[] groups = new int[n];
        groups[node.id] = 1;
        sim.partition(groups);
      } else if (dice < 62) {
        sim.heal();
      } else if (dice < 72) {
        sim.setDropRate(r.nextInt(4) == 0 ? 0 : r.nextDouble() * 0.4);
        sim.setMaxDelay(r.nextInt(3) == 0 ? 5 + r.nextInt(1500) : 5 + r.nextInt(100));
      } else if (dice < 82) {
        SimCluster.Node p = sim.currentPrimary();
        if (p != null) {
          sim.stepDown(p, 10 + r.nextInt(20), r.nextInt(9), r.nextBoolean());
        }
      } else if (dice < 87) {
        sim.freeze(node, r.nextInt(20));
      }
    }

    // Heal everything; a primary must emerge and commit in its term.
    for (SimCluster.Node node : sim.nodes()) {
      sim.restart(node);
    }
    sim.heal();
    sim.setDropRate(0);
    sim.setMaxDelay(20);
    long healedAt = sim.now();
    long deadline = healedAt + LIVENESS_ELECTION_TIMEOUTS * electionTimeout;
    while (true) {
      SimCluster.Node p = sim.currentPrimary();
      if (p != null && p.core().commitPoint().term() == p.core().term()) {
        return new Outcome(
            sim.events, sim.committedCount(), sim.now(), sim.now() - healedAt, sim.stats);
      }
      if (sim.now() >= deadline) {
        throw new AssertionError(
            "no primary committing in its own term within "
                + LIVENESS_ELECTION_TIMEOUTS
                + " election timeouts after healing; primary now: "
                + (p == null ? "none" : "n" + p.id + " commit point " + p.core().commitPoint())
                + "\n"
                + sim.describeNodes()
                + sim.recentTrace());
      }
      sim.runUntil(sim.now() + 100);
    }
  }
}
