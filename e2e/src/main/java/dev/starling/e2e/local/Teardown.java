package dev.starling.e2e.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Ends one checkout's cluster and leaves nothing of it: {@code down}, Ctrl-C of {@code up}, and the
 * cleanup of a stale run all come here. Every step tolerates that an earlier, interrupted teardown
 * (or a concurrent one) already did it.
 *
 * <ol>
 *   <li>SIGTERM the supervisor, which stops its children gracefully; wait up to 30 s.
 *   <li>SIGKILL every process still belonging to the cluster (pids in cluster.json, anything that
 *       runs from or names the state directory, anything in the cluster's namespaces).
 *   <li>Unmount whatever is still mounted under the state directory.
 *   <li>Delete every {@code stl-<id>*} network namespace (their packet filter rules go with them)
 *       and {@code /etc/netns/stl-<id>*}.
 *   <li>Delete the state directory, unless asked to keep the logs.
 * </ol>
 */
final class Teardown {
  static final Duration SUPERVISOR_GRACE = Duration.ofSeconds(30);

  private final LocalPaths paths;
  private final Consumer<String> progress;

  Teardown(LocalPaths paths, Consumer<String> progress) {
    this.paths = paths;
    this.progress = progress;
  }

  /** Whether anything of this checkout's cluster is left: state, a namespace or a process. */
  boolean anythingLeft() {
    return Files.exists(paths.state())
        || !ourNamespaces().isEmpty()
        || LocalProcesses.supervisor(paths).isPresent();
  }

  void run(boolean keepState) {
    stopSupervisor();
    killLeftovers();
    unmountState();
    for (String namespace : ourNamespaces()) {
      ClusterNetwork.delete(namespace);
    }
    deleteEtcNetns();
    if (!keepState) {
      delete(paths.state());
    } else {
      for (String file : List.of("cluster.json", "health.json")) {
        delete(paths.state().resolve(file));
      }
    }
  }

  private void stopSupervisor() {
    Set<Long> supervisors = new LinkedHashSet<>();
    LocalProcesses.supervisor(paths).ifPresent(supervisors::add);
    state()
        .map(ClusterState::supervisorPid)
        .filter(pid -> pid > 0 && isSupervisor(pid))
        .ifPresent(supervisors::add);
    if (supervisors.isEmpty()) {
      return;
    }
    progress.accept("stopping the supervisor (pid " + supervisors.iterator().next() + ")");
    supervisors.forEach(pid -> LocalProcesses.signal(pid, "TERM"));
    Set<Long> left = LocalProcesses.awaitGone(supervisors, SUPERVISOR_GRACE);
    if (!left.isEmpty()) {
      progress.accept("the supervisor did not stop within " + SUPERVISOR_GRACE.toSeconds() + " s");
    }
  }

  private void killLeftovers() {
    Set<Long> pids = new LinkedHashSet<>();
    state()
        .ifPresent(
            state -> {
              if (state.supervisorPid() > 0 && isSupervisor(state.supervisorPid())) {
                pids.add(state.supervisorPid());
              }
              // A component pid counts only if that process still names our state or namespace.
              state.pids().values().stream()
                  .filter(pid -> LocalProcesses.commandLine(pid).map(this::namesUs).orElse(false))
                  .forEach(pids::add);
            });
    pids.addAll(LocalProcesses.belongingTo(paths, ourNamespaces()));
    pids.removeIf(pid -> !LocalProcesses.isRunning(pid));
    if (pids.isEmpty()) {
      return;
    }
    progress.accept("killing " + pids.size() + " leftover process(es): " + pids);
    pids.forEach(pid -> LocalProcesses.signal(pid, "KILL"));
    Set<Long> left = LocalProcesses.awaitGone(pids, Duration.ofSeconds(10));
    if (!left.isEmpty()) {
      throw new LocalException("processes " + left + " survived SIGKILL (stuck in the kernel?)");
    }
  }

  private boolean namesUs(String commandLine) {
    return commandLine.contains(paths.state().toString()) || commandLine.contains(paths.netns());
  }

  private boolean isSupervisor(long pid) {
    return LocalProcesses.isSupervisorOf(paths, pid);
  }

  /** Mounts in this (the host's) mount namespace under the state directory, deepest first. */
  private void unmountState() {
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        if (fields.length > 4) {
          String mountPoint = fields[4].replace("\\040", " ");
          if (Path.of(mountPoint).startsWith(paths.state())) {
            mounts.add(mountPoint);
          }
        }
      }
    } catch (IOException e) {
      throw new LocalException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
    }
    mounts.sort(Comparator.comparing(String::length).reversed());
    for (String mount : mounts) {
      progress.accept("unmounting " + mount);
      Shell.check("umount", "-l", mount);
    }
  }

  private List<String> ourNamespaces() {
    return ClusterNetwork.list().stream().filter(paths::ownsNetns).toList();
  }

  private void deleteEtcNetns() {
    Path etcNetns = paths.etcNetns().getParent();
    if (!Files.isDirectory(etcNetns)) {
      return;
    }
    try (var entries = Files.list(etcNetns)) {
      for (Path entry : entries.toList()) {
        if (paths.ownsNetns(entry.getFileName().toString())) {
          delete(entry);
        }
      }
    } catch (IOException e) {
      throw new LocalException("cannot list " + etcNetns + ": " + e.getMessage(), e);
    }
  }

  private Optional<ClusterState> state() {
    try {
      return Json.read(paths.clusterJson(), ClusterState.class);
    } catch (LocalException e) {
      return Optional.empty(); // a damaged file must not block the cleanup
    }
  }

  /** Deletes a tree without following symbolic links out of it. */
  static void delete(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new LocalException("cannot delete " + root + ": " + e, e);
    }
  }
}
