package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultRulesTest {
  @Test
  void aCutDropsBothDirectionsToThePeer() {
    assertThat(FaultRules.cut("10.244.0.7"))
        .containsExactly(
            List.of(
                "-I",
                "INPUT",
                "1",
                "-s",
                "10.244.0.7",
                "-m",
                "comment",
                "--comment",
                "starling-fault",
                "-j",
                "DROP"),
            List.of(
                "-I",
                "OUTPUT",
                "1",
                "-d",
                "10.244.0.7",
                "-m",
                "comment",
                "--comment",
                "starling-fault",
                "-j",
                "DROP"));
  }

  @Test
  void isolationKeepsTheBridgeAndLoopbackAheadOfTheDrop() {
    // Each rule is inserted at position 1, so the last inserted is evaluated first.
    List<List<String>> rules = FaultRules.isolate();
    List<String> targets =
        rules.stream().map(r -> r.get(3) + " " + r.get(4) + " " + r.getLast()).toList();
    assertThat(targets)
        .containsExactly(
            "-s 10.244.0.0/16 DROP",
            "-d 10.244.0.0/16 DROP",
            "-s 10.244.0.1 ACCEPT",
            "-d 10.244.0.1 ACCEPT",
            "-i lo ACCEPT",
            "-o lo ACCEPT");
    assertThat(rules).allSatisfy(r -> assertThat(r).contains("starling-fault"));
  }

  @Test
  void healDeletesOnlyOurRules() {
    String listed =
        """
        -P INPUT ACCEPT
        -P FORWARD ACCEPT
        -P OUTPUT ACCEPT
        -A INPUT -s 10.244.0.7/32 -m comment --comment starling-fault -j DROP
        -A INPUT -s 10.1.0.0/16 -j DROP
        -A OUTPUT -d 10.244.0.7/32 -m comment --comment starling-fault -j DROP
        """;

    assertThat(FaultRules.heal(listed))
        .containsExactly(
            List.of(
                "-D",
                "INPUT",
                "-s",
                "10.244.0.7/32",
                "-m",
                "comment",
                "--comment",
                "starling-fault",
                "-j",
                "DROP"),
            List.of(
                "-D",
                "OUTPUT",
                "-d",
                "10.244.0.7/32",
                "-m",
                "comment",
                "--comment",
                "starling-fault",
                "-j",
                "DROP"));
  }
}
