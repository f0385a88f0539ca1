package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExampleProgressTest {

  @Test
  void stagesAreReachedInOrderAndOnlyWhenEveryMemberIsThere() {
    var scheduling = new ExampleProgress.Observed(3, 2, 0, "", "", false, "Pending", "");
    assertThat(scheduling.stages(3)).isEmpty();
    var started = new ExampleProgress.Observed(3, 3, 3, "", "", false, "Initializing", "");
    assertThat(started.stages(3)).containsExactly("pods scheduled: 3/3", "members started: 3/3");
    var ready = new ExampleProgress.Observed(3, 3, 3, "1", "demo-0", true, "Ready", "mongodb://x");
    assertThat(ready.stages(3))
        .containsExactly(
            "pods scheduled: 3/3",
            "members started: 3/3",
            "replica set initiated (config version 1)",
            "primary elected: demo-0",
            "Ready");
  }

  @Test
  void theUsageNamesTheConnectionStringAndHowToReachIt() {
    var ready =
        new ExampleProgress.Observed(3, 3, 3, "1", "demo-0", true, "Ready", "mongodb://a,b/?x");
    String usage = ExampleProgress.usage("/k/admin.kubeconfig", "demo", ready);
    assertThat(usage)
        .contains("connection string: mongodb://a,b/?x")
        .contains("export KUBECONFIG=/k/admin.kubeconfig")
        .contains("e2e/starling-local exec -- /usr/bin/python3")
        .contains("mongosh 'mongodb://a,b/?x'");
  }
}
