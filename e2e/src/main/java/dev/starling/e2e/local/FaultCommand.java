package dev.starling.e2e.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fault}: what the e2e scenarios do to pods. Signals go to the pod's main container process,
 * whose pid the kubelet keeps in its state; network faults are packet-filter rules inside the pods'
 * own network namespaces, so nothing on the host or in another pod changes.
 */
final class FaultCommand {
  private static final String USAGE =
      "usage: fault kill|pause|resume NS/POD | cut NS/POD NS/POD | isolate NS/POD | heal";
  private static final Map<String, String> SIGNALS =
      Map.of("kill", "KILL", "pause", "STOP", "resume", "CONT");

  /** A pod as the kubelet recorded it. */
  record Pod(String namespace, String name, String netns, String ip) {
    String ref() {
      return namespace + "/" + name;
    }
  }

  private final LocalPaths paths;
  private final Kubectl kubectl;

  FaultCommand(LocalPaths paths) {
    this.paths = paths;
    this.kubectl = new Kubectl(paths);
  }

  int run(List<String> args) {
    if (args.isEmpty()) {
      throw new LocalException(USAGE);
    }
    String action = args.get(0);
    List<String> pods = args.subList(1, args.size());
    requireRunning();
    switch (action) {
      case "kill", "pause", "resume" -> {
        expect(pods, 1);
        signal(pods.get(0), SIGNALS.get(action));
      }
      case "cut" -> {
        expect(pods, 2);
        cut(pod(pods.get(0)), pod(pods.get(1)));
      }
      case "isolate" -> {
        expect(pods, 1);
        isolate(pod(pods.get(0)));
      }
      case "heal" -> {
        expect(pods, 0);
        heal();
      }
      default -> throw new LocalException("fault: unknown action '" + action + "'; " + USAGE);
    }
    return 0;
  }

  private void signal(String ref, String signal) {
    String[] nsName = split(ref);
    Shell.Result spec =
        kubectl.run(
            "get", "pod", "-n", nsName[0], nsName[1], "-o", "jsonpath={.spec.containers[0].name}");
    if (!spec.ok()) {
      throw new LocalException(
          spec.output().contains("NotFound")
              ? ref + ": no such pod"
              : "cannot read pod " + ref + ": " + Shell.lastLine(spec.output()));
    }
    String container = spec.output().strip();
    Path pidFile =
        paths.pod(nsName[0], nsName[1]).resolve("containers").resolve(container).resolve("pid");
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (NoSuchFileException e) {
      throw new LocalException(
          ref + ": container " + container + " is not running (no " + pidFile + ")");
    } catch (IOException | NumberFormatException e) {
      throw new LocalException("cannot read " + pidFile + ": " + e.getMessage(), e);
    }
    LocalProcesses.signal(pid, signal);
    System.out.println(
        "fault: SIG" + signal + " to " + ref + " container " + container + " (pid " + pid + ")");
  }

  private void cut(Pod a, Pod b) {
    if (a.ip().equals(b.ip())) {
      throw new LocalException("fault cut: " + a.ref() + " and " + b.ref() + " are the same pod");
    }
    apply(a, FaultRules.cut(b.ip()));
    apply(b, FaultRules.cut(a.ip()));
    System.out.println(
        "fault: cut " + a.ref() + " (" + a.ip() + ") <-> " + b.ref() + " (" + b.ip() + ")");
  }

  private void isolate(Pod pod) {
    apply(pod, FaultRules.isolate());
    System.out.println("fault: isolated " + pod.ref() + " (" + pod.ip() + ")");
  }

  private void heal() {
    int removed = 0;
    for (String netns : ClusterNetwork.list()) {
      if (!paths.ownsNetns(netns)) {
        continue;
      }
      String rules = Shell.check(iptables(netns, List.of("-S")));
      for (List<String> delete : FaultRules.heal(rules)) {
        Shell.check(iptables(netns, delete));
        removed++;
      }
    }
    System.out.println("fault: healed (" + removed + " rule(s) removed)");
  }

  private void apply(Pod pod, List<List<String>> rules) {
    for (List<String> rule : rules) {
      Shell.check(iptables(pod.netns(), rule));
    }
  }

  private static List<String> iptables(String netns, List<String> args) {
    String path = netns.contains("/") ? netns : "/run/netns/" + netns;
    List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + path, "iptables", "-w"));
    command.addAll(args);
    return command;
  }

  private Pod pod(String ref) {
    String[] nsName = split(ref);
    Path file = paths.pod(nsName[0], nsName[1]).resolve("pod.json");
    JsonNode json =
        Json.read(file, JsonNode.class)
            .orElseThrow(
                () ->
                    new LocalException(ref + ": no such pod on the local nodes (no " + file + ")"));
    String netns = json.path("netns").asText("");
    String ip = json.path("ip").asText("");
    if (netns.isEmpty() || ip.isEmpty()) {
      throw new LocalException(ref + ": " + file + " has no netns or ip yet (pod still starting?)");
    }
    return new Pod(nsName[0], nsName[1], netns, ip);
  }

  private void requireRunning() {
    if (LocalProcesses.supervisor(paths).isEmpty()) {
      throw new LocalException("the local cluster is not running (start it with up)");
    }
  }

  private static String[] split(String ref) {
    String[] parts = ref.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new LocalException("'" + ref + "' is not NAMESPACE/POD");
    }
    return parts;
  }

  private static void expect(List<String> pods, int count) {
    if (pods.size() != count) {
      throw new LocalException(USAGE);
    }
  }
}
