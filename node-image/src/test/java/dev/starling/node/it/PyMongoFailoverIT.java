package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow MongoDB's documents show, in PyMongo 3.11: initiate through a direct connection,
 * discover the set, read by preference, kill -9 the primary, AutoReconnect, retry on the new one.
 */
class PyMongoFailoverIT {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path work;

  @Test
  void pymongoFollowsAFailover() throws Exception {
    Path script = work.resolve("pymongo_failover.py");
    try (InputStream in = PyMongoFailoverIT.class.getResourceAsStream("/it/pymongo_failover.py")) {
      Files.copy(in, script);
    }
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("pyfailover", 3)) {
      String members =
          IntStream.range(0, 3)
              .mapToObj(i -> rs.host(i) + "=" + rs.node(i).pid())
              .collect(Collectors.joining(","));
      ClientRun run =
          ClientRun.run(
              "pymongo-failover",
              List.of(PYTHON, script.toString(), members),
              Map.of("PYTHONDONTWRITEBYTECODE", "1"),
              work);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      Document r = run.result();
      assertThat(r.getString("pymongo")).startsWith("3.");

      Document discovered = r.get("discovered", Document.class);
      String primary = discovered.getString("primary");
      List<String> secondaries = discovered.getList("secondaries", String.class);
      Set<String> all = new HashSet<>(secondaries);
      all.add(primary);
      assertThat(all).containsExactlyInAnyOrder(rs.host(0), rs.host(1), rs.host(2));

      assertThat(r.getList("secondaryReads", String.class))
          .isNotEmpty()
          .allMatch(secondaries::contains);
      assertThat(r.getList("secondaryPreferredReads", String.class))
          .isNotEmpty()
          .allMatch(secondaries::contains);
      assertThat(new HashSet<>(r.getList("nearestReads", String.class)))
          .as("NEAREST with a wide localThresholdMS spreads reads over every member")
          .containsExactlyInAnyOrder(rs.host(0), rs.host(1), rs.host(2));

      assertThat(r.getString("oldPrimary")).isEqualTo(primary);
      assertThat(r.getBoolean("firstErrorIsAutoReconnect"))
          .as("first write after the kill raised %s", r.getString("firstError"))
          .isTrue();
      assertThat(r.getBoolean("retrySucceeded")).isTrue();
      assertThat(r.getString("newPrimary")).isNotNull().isNotEqualTo(primary);
      assertThat(r.getInteger("countBefore")).isEqualTo(20);
    }
  }
}
