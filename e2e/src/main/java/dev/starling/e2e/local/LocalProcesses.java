package dev.starling.e2e.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The processes of one checkout's cluster as /proc shows them: found by what they run (their
 * command line names the state directory or the cluster's namespaces), where they run (their
 * working directory is in the state directory) or the network namespace they are in; never by a
 * program name, so another checkout's cluster is never touched.
 */
final class LocalProcesses {
  private static final String SUPERVISOR_CLASS = Supervisor.class.getName();

  private LocalProcesses() {}

  /** The command line of {@code pid} with its arguments joined by spaces, if it runs. */
  static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The live supervisor of this checkout, if there is one. */
  static Optional<Long> supervisor(LocalPaths paths) {
    for (long pid : allPids()) {
      if (isSupervisorOf(paths, pid) && isRunning(pid)) {
        return Optional.of(pid);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code pid} runs the supervisor of this checkout (and not of one whose path starts the
   * same).
   */
  static boolean isSupervisorOf(LocalPaths paths, long pid) {
    return commandLine(pid)
        .map(
            line ->
                line.contains(SUPERVISOR_CLASS)
                    && (line + " ").contains(" --checkout " + paths.checkout() + " "))
        .orElse(false);
  }

  /** Every process of this checkout's cluster, except this process and its ancestors. */
  static Set<Long> belongingTo(LocalPaths paths, Collection<String> namespaces) {
    Set<Long> spared = selfAndAncestors();
    String state = paths.state().toString();
    Set<Long> found = new LinkedHashSet<>();
    for (long pid : allPids()) {
      if (spared.contains(pid)) {
        continue;
      }
      String line = commandLine(pid).orElse("");
      boolean ours =
          line.contains(state)
              || line.contains("/run/netns/" + paths.netns())
              || line.contains(" " + paths.netns() + " ")
              || isSupervisorOf(paths, pid)
              || cwd(pid).map(cwd -> cwd.startsWith(paths.state())).orElse(false);
      if (ours) {
        found.add(pid);
      }
    }
    for (String namespace : namespaces) {
      for (long pid : ClusterNetwork.pids(namespace)) {
        if (!spared.contains(pid)) {
          found.add(pid);
        }
      }
    }
    return found;
  }

  /** Alive and not a zombie waiting for its parent. */
  static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) STATE ...: comm may hold spaces and parentheses, so read after the last ')'.
      String afterComm = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return !afterComm.startsWith("Z") && !afterComm.startsWith("X");
    } catch (IOException | StringIndexOutOfBoundsException e) {
      return false;
    }
  }

  static void signal(long pid, String signal) {
    Shell.Result result = Shell.run(List.of("kill", "-s", signal, Long.toString(pid)));
    if (!result.ok() && isRunning(pid)) {
      throw new LocalException(
          "kill -s " + signal + " " + pid + " failed: " + Shell.lastLine(result.output()));
    }
  }

  /** Waits until none of {@code pids} runs; returns those still running at the deadline. */
  static Set<Long> awaitGone(Collection<Long> pids, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Set<Long> left = new HashSet<>(pids);
    while (true) {
      left.removeIf(pid -> !isRunning(pid));
      if (left.isEmpty() || Instant.now().isAfter(deadline)) {
        return left;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return left;
      }
    }
  }

  private static Optional<Path> cwd(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static Set<Long> selfAndAncestors() {
    Set<Long> spared = new HashSet<>();
    Optional<ProcessHandle> handle = Optional.of(ProcessHandle.current());
    while (handle.isPresent()) {
      spared.add(handle.get().pid());
      handle = handle.get().parent();
    }
    return spared;
  }

  private static List<Long> allPids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : proc) {
        pids.add(Long.parseLong(entry.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new LocalException("cannot list /proc: " + e.getMessage(), e);
    }
    return pids;
  }
}
