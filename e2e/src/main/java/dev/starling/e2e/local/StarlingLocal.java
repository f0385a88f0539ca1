package dev.starling.e2e.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;

/**
 * The {@code e2e/starling-local} command line (contract in ARCHITECTURE.md, design in
 * docs/LOCAL-CLUSTER.md). The script passes the Kubernetes bin directory ({@code -} where the
 * command needs none) and the checkout as {@code -Dstarling.checkout}. Every failure prints one
 * line and exits non-zero.
 */
public final class StarlingLocal {
  private static final String USAGE =
      """
      usage: e2e/starling-local COMMAND
        up [--detach] [--no-example] [--nodes N]   start the local cluster (N nodes, default 3)
        down                                       stop it and remove its state
        kubeconfig                                 print the admin kubeconfig's path
        kubectl ARGS...                            kubectl with that kubeconfig
        exec -- CMD ARGS...                        run CMD in the cluster's network namespace
        status                                     components, nodes, replica sets and pods
        fault kill|pause|resume NS/POD             SIGKILL / SIGSTOP / SIGCONT a pod's main container
        fault cut NS/POD NS/POD | isolate NS/POD | heal
                                                   drop traffic between pods / undo every cut
      """;

  /** One subcommand: returns the exit status. */
  @FunctionalInterface
  interface Command {
    int run(LocalPaths paths, List<String> args);
  }

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("up", (paths, args) -> new UpCommand(paths).run(args));
    COMMANDS.put("down", StarlingLocal::down);
    COMMANDS.put("kubeconfig", StarlingLocal::kubeconfig);
    COMMANDS.put("kubectl", StarlingLocal::kubectl);
    COMMANDS.put("exec", StarlingLocal::exec);
    COMMANDS.put("status", (paths, args) -> noArgs("status", args, new StatusView(paths)::once));
    COMMANDS.put("fault", (paths, args) -> new FaultCommand(paths).run(args));
  }

  private StarlingLocal() {}

  public static void main(String[] args) {
    if (args.length < 2 || List.of("help", "-h", "--help").contains(args[1])) {
      System.out.print(USAGE);
      System.exit(args.length < 2 ? 2 : 0);
    }
    Command command = COMMANDS.get(args[1]);
    if (command == null) {
      fail(
          "unknown command '" + args[1] + "' (one of " + String.join(", ", COMMANDS.keySet()) + ")",
          2);
    }
    Path bin = args[0].equals("-") ? null : Path.of(args[0]);
    Path checkout = Path.of(System.getProperty("starling.checkout", "."));
    LocalPaths paths = new LocalPaths(checkout, bin);
    int status;
    try {
      status = command.run(paths, List.of(args).subList(2, args.length));
    } catch (LocalException e) {
      fail(e.getMessage(), 1);
      return;
    } catch (RuntimeException e) {
      fail("unexpected " + e, 1); // a bug of ours: still one line, the trace would hide it
      return;
    }
    System.exit(status);
  }

  private static int down(LocalPaths paths, List<String> args) {
    return noArgs(
        "down",
        args,
        () -> {
          Teardown teardown = new Teardown(paths, UpCommand::say);
          if (!teardown.anythingLeft()) {
            UpCommand.say("nothing runs");
            return 0;
          }
          teardown.run(false);
          UpCommand.say("down: no process, namespace or state of " + paths.netns() + " left");
          return 0;
        });
  }

  private static int kubeconfig(LocalPaths paths, List<String> args) {
    return noArgs(
        "kubeconfig",
        args,
        () -> {
          System.out.println(paths.adminKubeconfig());
          return 0;
        });
  }

  private static int kubectl(LocalPaths paths, List<String> args) {
    List<String> command = new Kubectl(paths).command(args);
    return passThrough(command, Map.of());
  }

  private static int exec(LocalPaths paths, List<String> args) {
    List<String> rest =
        !args.isEmpty() && args.get(0).equals("--") ? args.subList(1, args.size()) : args;
    if (rest.isEmpty()) {
      throw new LocalException("usage: exec -- CMD ARGS...");
    }
    if (!ClusterNetwork.exists(paths.netns())) {
      throw new LocalException(
          "the local cluster is not running (no network namespace " + paths.netns() + ")");
    }
    if (!Files.exists(paths.etcNetns().resolve("resolv.conf"))) {
      throw new LocalException(
          paths.etcNetns().resolve("resolv.conf") + " is missing: run down, then up");
    }
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", paths.netns()));
    command.addAll(rest);
    return passThrough(command, Map.of("KUBECONFIG", paths.adminKubeconfig().toString()));
  }

  /**
   * Runs a child on this terminal and returns its exit status. Ctrl-C reaches the child from the
   * terminal itself; this JVM ignores it so it can pass the child's status on.
   */
  private static int passThrough(List<String> command, Map<String, String> environment) {
    Signal.handle(new Signal("INT"), signal -> {});
    return Shell.inherit(command, environment);
  }

  private static int noArgs(String name, List<String> args, java.util.function.IntSupplier body) {
    if (!args.isEmpty()) {
      throw new LocalException(name + " takes no arguments");
    }
    return body.getAsInt();
  }

  private static void fail(String message, int status) {
    System.err.println("starling-local: " + message);
    System.exit(status);
  }
}
