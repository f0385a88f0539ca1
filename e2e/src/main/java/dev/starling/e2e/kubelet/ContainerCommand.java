package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command lines that run a container as a process, and the mounts its setup script makes.
 *
 * <p>A container runs as {@code setpriv --pdeathsig KILL ip netns exec <pod netns> unshare --mount
 * --uts --propagation private -- sh container-setup.sh <rootfs> <hostname> <mount specs> -- argv}.
 * Every step execs the next, so the pid the kubelet gets is the container's main process; the death
 * signal makes it die with the kubelet. A spec is {@code bind SRC DST}, {@code bind-ro SRC DST},
 * {@code workdir DIR} or {@code user UID GID GROUPS} (GROUPS comma-separated, or "-"); the last
 * makes the command run as that user through {@code setpriv}, as the image's USER or runAsUser say.
 *
 * <p>Exec probes and hooks run as {@code nsenter --target <pid> --net --mount --uts --root --wd --
 * argv}: in the container's network, mount and UTS namespaces, chrooted to its root and in its
 * working directory, as its user, with its environment: what {@code kubectl exec} would see.
 */
final class ContainerCommand {

  /** A bind mount into the container; {@code target} is absolute inside the container. */
  record Mount(Path source, String target, boolean readOnly) {}

  private ContainerCommand() {}

  static List<String> run(
      String netns,
      Path setupScript,
      Path rootfs,
      String hostname,
      List<Mount> mounts,
      String workingDir,
      PodEnvironment.Identity identity,
      List<String> argv) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL"));
    cmd.addAll(List.of("/usr/sbin/ip", "netns", "exec", netns));
    cmd.addAll(List.of("/usr/bin/unshare", "--mount", "--uts", "--propagation", "private", "--"));
    cmd.addAll(List.of("/bin/sh", setupScript.toString(), rootfs.toString(), hostname));
    for (Mount m : mounts) {
      cmd.addAll(List.of(m.readOnly() ? "bind-ro" : "bind", m.source().toString(), m.target()));
    }
    cmd.addAll(List.of("workdir", workingDir));
    if (!identity.root()) {
      cmd.addAll(List.of("user", Long.toString(identity.uid()), Long.toString(identity.gid())));
      cmd.add(
          identity.groups().isEmpty()
              ? "-"
              : String.join(",", identity.groups().stream().map(String::valueOf).toList()));
    }
    cmd.add("--");
    cmd.addAll(argv);
    return cmd;
  }

  static List<String> exec(long pid, PodEnvironment.Identity identity, List<String> argv) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL"));
    cmd.addAll(
        List.of(
            "/usr/bin/nsenter",
            "--target",
            Long.toString(pid),
            "--net",
            "--mount",
            "--uts",
            "--root",
            "--wd"));
    if (!identity.root()) {
      cmd.addAll(
          List.of(
              "--setuid",
              Long.toString(identity.uid()),
              "--setgid",
              Long.toString(identity.gid())));
    }
    cmd.add("--");
    cmd.addAll(argv);
    return cmd;
  }

  /** The files the kubelet manages per pod and binds over the container's /etc ones. */
  record PodFilePaths(Path hosts, Path hostname, Path resolvConf) {}

  /**
   * The mounts of one container: the pod's /etc files, the image's files, a scratch dir for each
   * image VOLUME no volumeMount covers (as a runtime's anonymous volume), and the volumeMounts.
   * Parents come before children so nested mounts stack correctly.
   *
   * @param volumes the host dir of each pod volume, by name
   * @param scratch gives a fresh host dir for an image VOLUME path
   */
  static List<Mount> mounts(
      Container container,
      LocalImage image,
      PodFilePaths podFiles,
      Map<String, VolumeManager.Prepared> volumes,
      Map<String, String> env,
      java.util.function.Function<String, Path> scratch) {
    List<Mount> mounts = new ArrayList<>();
    mounts.add(new Mount(podFiles.hosts(), "/etc/hosts", false));
    mounts.add(new Mount(podFiles.hostname(), "/etc/hostname", false));
    mounts.add(new Mount(podFiles.resolvConf(), "/etc/resolv.conf", false));
    for (LocalImage.ImageFile file : image.files()) {
      mounts.add(new Mount(file.source(), normalize(file.target()), true));
    }
    Set<String> mounted = new HashSet<>();
    List<VolumeMount> volumeMounts =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    for (VolumeMount vm : volumeMounts) {
      mounted.add(normalize(vm.getMountPath()));
    }
    for (String volume : image.volumes()) {
      String target = normalize(volume);
      if (!mounted.contains(target)) {
        mounts.add(new Mount(scratch.apply(target), target, false));
      }
    }
    for (VolumeMount vm : volumeMounts) {
      VolumeManager.Prepared prepared = volumes.get(vm.getName());
      if (prepared == null) {
        throw new ContainerConfigException(
            "volumeMount " + vm.getName() + " refers to a volume the pod does not have");
      }
      Path source = prepared.path();
      String sub = vm.getSubPath();
      if (vm.getSubPathExpr() != null && !vm.getSubPathExpr().isEmpty()) {
        sub = EnvExpansion.expand(vm.getSubPathExpr(), env::get);
      }
      if (sub != null && !sub.isEmpty()) {
        if (sub.startsWith("/") || List.of(sub.split("/")).contains("..")) {
          throw new ContainerConfigException("invalid subPath " + sub);
        }
        source = source.resolve(sub);
      }
      boolean readOnly = Boolean.TRUE.equals(vm.getReadOnly()) || prepared.readOnly();
      mounts.add(new Mount(source, normalize(vm.getMountPath()), readOnly));
    }
    List<Mount> sorted = new ArrayList<>(mounts);
    sorted.sort(Comparator.comparingLong(m -> m.target().chars().filter(c -> c == '/').count()));
    return sorted;
  }

  /** An absolute path without a trailing slash ("/" stays "/"). */
  static String normalize(String path) {
    String p = path.startsWith("/") ? path : "/" + path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
