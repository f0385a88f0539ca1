package dev.starling.e2e.local;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code up} shows while the example ReplicaSet comes up: one line per stage as it is reached
 * (pods scheduled, members started, set initiated, primary elected, Ready), then how to use it.
 * Everything is read through the API server, as a user would see it.
 */
final class ExampleProgress {
  private final Kubectl kubectl;
  private final Clock clock;
  private final long startedAt;
  private final String namespace;
  private final String name;

  ExampleProgress(Kubectl kubectl, Clock clock, long startedAt, String namespace, String name) {
    this.kubectl = kubectl;
    this.clock = clock;
    this.startedAt = startedAt;
    this.namespace = namespace;
    this.name = name;
  }

  /** One observation of the example: its pods and its status. */
  record Observed(
      int pods,
      int scheduled,
      int running,
      String configVersion,
      String primary,
      boolean ready,
      String phase,
      String connectionString) {

    /** The stages reached, in order; each is printed once. */
    List<String> stages(int members) {
      List<String> out = new ArrayList<>();
      if (pods >= members && scheduled >= members) {
        out.add("pods scheduled: " + scheduled + "/" + members);
      }
      if (running >= members) {
        out.add("members started: " + running + "/" + members);
      }
      if (!configVersion.isEmpty()) {
        out.add("replica set initiated (config version " + configVersion + ")");
      }
      if (!primary.isEmpty()) {
        out.add("primary elected: " + primary);
      }
      if (ready) {
        out.add("Ready");
      }
      return out;
    }
  }

  /** Follows the example until Ready, printing each stage once; fails after {@code timeout}. */
  Observed awaitReady(int members, Duration timeout) {
    long deadline = clock.millis() + timeout.toMillis();
    int printed = 0;
    while (true) {
      Observed now = observe();
      List<String> stages = now.stages(members);
      for (int i = printed; i < stages.size(); i++) {
        say("example %s: %s at %.1f s".formatted(name, stages.get(i), seconds()));
      }
      printed = Math.max(printed, stages.size());
      if (now.ready()) {
        return now;
      }
      if (clock.millis() > deadline) {
        throw new LocalException(
            "the example ReplicaSet "
                + name
                + " was not Ready after "
                + timeout.toSeconds()
                + " s (phase "
                + (now.phase().isEmpty() ? "none" : now.phase())
                + "): see kubectl describe srs/"
                + name);
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalException("interrupted while waiting for the example");
      }
    }
  }

  /** How to reach the example: printed once it is Ready. */
  static String usage(String kubeconfig, String name, Observed ready) {
    String uri = ready.connectionString();
    return String.join(
        "\n",
        "",
        "The replica set '" + name + "' is Ready (primary " + ready.primary() + ").",
        "  connection string: " + uri,
        "  kubectl:  export KUBECONFIG=" + kubeconfig,
        "            kubectl get srs " + name + "; kubectl scale srs/" + name + " --replicas=5",
        "  PyMongo:  e2e/starling-local exec -- /usr/bin/python3 -c \"import pymongo; c ="
            + " pymongo.MongoClient('"
            + uri
            + "'); print(c.test.hello.insert_one({'hi': 1}).inserted_id)\"",
        "  mongosh:  e2e/starling-local exec -- test-clients/node_modules/.bin/mongosh '"
            + uri
            + "'",
        "            (mongosh is installed there by mvn verify; any mongosh works)",
        "  Member names resolve only inside the cluster: run clients with e2e/starling-local exec.",
        "");
  }

  private Observed observe() {
    Shell.Result pods =
        kubectl.run(
            "-n",
            namespace,
            "get",
            "pods",
            "-l",
            "app.kubernetes.io/instance=" + name + ",app.kubernetes.io/name=starling-node",
            "-o",
            "jsonpath={range .items[*]}{.spec.nodeName}{\" \"}{.status.phase}{\"\\n\"}{end}");
    int count = 0;
    int scheduled = 0;
    int running = 0;
    if (pods.ok()) {
      for (String line : pods.output().lines().toList()) {
        if (line.isBlank()) {
          continue;
        }
        count++;
        if (!line.startsWith(" ")) { // "<node> <phase>"; an unscheduled pod has no node
          scheduled++;
        }
        if (line.strip().endsWith("Running")) {
          running++;
        }
      }
    }
    Shell.Result rs =
        kubectl.run(
            "-n",
            namespace,
            "get",
            "srs",
            name,
            "-o",
            "jsonpath={.status.configVersion}|{.status.primary}|"
                + "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.phase}|"
                + "{.status.connectionString}|{.status.observedGeneration}|{.metadata.generation}");
    String[] f = rs.ok() ? (rs.output().strip() + "|||||||").split("\\|", -1) : new String[8];
    boolean ready = "True".equals(f[2]) && f[5] != null && f[5].equals(f[6]) && !f[5].isEmpty();
    return new Observed(
        count,
        scheduled,
        running,
        nullToEmpty(f[0]),
        nullToEmpty(f[1]),
        ready,
        nullToEmpty(f[3]),
        nullToEmpty(f[4]));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private double seconds() {
    return (clock.millis() - startedAt) / 1000.0;
  }

  private static void say(String line) {
    System.out.println("starling-local: " + line);
  }
}
