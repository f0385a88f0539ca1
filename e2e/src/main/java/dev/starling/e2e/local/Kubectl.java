package dev.starling.e2e.local;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The kubectl built here, always with the checkout's admin kubeconfig. */
final class Kubectl {
  private final LocalPaths paths;

  Kubectl(LocalPaths paths) {
    this.paths = paths;
  }

  List<String> command(List<String> args) {
    String kubectl = paths.tool("kubectl").toString();
    if (!Files.isExecutable(paths.tool("kubectl"))) {
      throw new LocalException(kubectl + " is missing: run e2e/kube/build-binaries.sh");
    }
    List<String> command =
        new ArrayList<>(List.of(kubectl, "--kubeconfig", paths.adminKubeconfig().toString()));
    command.addAll(args);
    return command;
  }

  Shell.Result run(String... args) {
    return Shell.run(command(List.of(args)));
  }

  /** Runs kubectl; a failure is a LocalException quoting kubectl's last line. */
  String check(String... args) {
    Shell.Result result = run(args);
    if (!result.ok()) {
      throw new LocalException(
          "kubectl " + String.join(" ", args) + " failed: " + Shell.lastLine(result.output()));
    }
    return result.output();
  }
}
