package dev.starling.e2e.kubelet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod network namespaces and their interfaces: {@code ip netns add/del} and the CNI plugins
 * (loopback for lo, bridge with host-local IPAM for eth0), executed as the CNI spec says: the
 * command in CNI_COMMAND, the network config on stdin, the result on stdout.
 */
final class CniPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(CniPlugin.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String IFNAME = "eth0";

  private final Path binDir;
  private final Path ipamDir;

  CniPlugin(Path binDir, Path ipamDir) {
    this.binDir = binDir;
    this.ipamDir = ipamDir;
  }

  /**
   * Makes sure the namespace exists with lo up and eth0 addressed, and returns eth0's address.
   * Idempotent: an existing, configured namespace (e.g. after a kubelet restart) is reused.
   */
  String setUp(String netns, String containerId, String podNamespace, String podName)
      throws IOException {
    if (mounted(netns)) {
      Optional<String> existing = address(netns);
      if (existing.isPresent()) {
        return existing.get();
      }
    } else {
      // A file without a namespace behind it (left by a kubelet whose mounts are gone), and
      // an address host-local may still hold for this pod: both go before starting afresh.
      Files.deleteIfExists(path(netns));
      try {
        pluginNoNetns("bridge", containerId, CniConfig.bridge(ipamDir));
      } catch (IOException e) {
        LOG.debug("releasing a stale address of {} failed: {}", netns, e.getMessage());
      }
      ip("netns", "add", netns);
    }
    try {
      plugin("loopback", "ADD", netns, containerId, "lo", CniConfig.loopback(), null);
      String result =
          plugin(
              "bridge",
              "ADD",
              netns,
              containerId,
              IFNAME,
              CniConfig.bridge(ipamDir),
              "K8S_POD_NAMESPACE=" + podNamespace + ";K8S_POD_NAME=" + podName);
      return CniConfig.resultIp(result);
    } catch (IOException | RuntimeException e) {
      tearDown(netns, containerId);
      throw e;
    }
  }

  /** Releases the address and deletes the namespace; safe to repeat. */
  void tearDown(String netns, String containerId) {
    try {
      if (mounted(netns)) {
        plugin("bridge", "DEL", netns, containerId, IFNAME, CniConfig.bridge(ipamDir), null);
      } else {
        // DEL without a namespace still releases the address, as the spec requires.
        pluginNoNetns("bridge", containerId, CniConfig.bridge(ipamDir));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("CNI DEL for {} failed: {}", netns, e.getMessage());
    }
    try {
      if (mounted(netns)) {
        ip("netns", "del", netns);
      }
      Files.deleteIfExists(path(netns));
    } catch (IOException e) {
      LOG.warn("cannot delete network namespace {}: {}", netns, e.getMessage());
    }
  }

  /** Whether /run/netns/NAME is a mounted namespace in this mount namespace (not a bare file). */
  static boolean mounted(String netns) throws IOException {
    String target = path(netns).toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4 && f[4].equals(target)) {
        return true;
      }
    }
    return false;
  }

  /** Namespace names under /run/netns starting with {@code prefix}. */
  static List<String> list(String prefix) {
    List<String> names = new ArrayList<>();
    Path dir = Path.of("/run/netns");
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix))
          .forEach(names::add);
    } catch (IOException e) {
      LOG.warn("cannot list /run/netns: {}", e.toString());
    }
    return names;
  }

  static Path path(String netns) {
    return Path.of("/run/netns", netns);
  }

  /**
   * The container id host-local recorded for an address whose owner starts with {@code uid8}, so
   * that a namespace left behind can still be released by DEL.
   */
  Optional<String> containerIdFor(String uid8) {
    Path dir = ipamDir.resolve("starling");
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (!Files.isRegularFile(f)) {
          continue;
        }
        String first = Files.readString(f, StandardCharsets.UTF_8).split("\\R", 2)[0].strip();
        if (first.startsWith(uid8)) {
          return Optional.of(first);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read host-local state: {}", e.toString());
    }
    return Optional.empty();
  }

  private Optional<String> address(String netns) throws IOException {
    ProcessRuntime.Result r =
        ProcessRuntime.run(
            List.of("/usr/sbin/ip", "-n", netns, "-o", "-4", "addr", "show", "dev", IFNAME),
            null,
            null,
            TIMEOUT);
    return r.ok() ? CniConfig.addressOf(r.output()) : Optional.empty();
  }

  private static void ip(String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add("/usr/sbin/ip");
    argv.addAll(List.of(args));
    ProcessRuntime.Result r = ProcessRuntime.run(argv, null, null, TIMEOUT);
    if (!r.ok()) {
      throw new IOException(String.join(" ", argv) + " failed: " + r.text());
    }
  }

  private String plugin(
      String type,
      String command,
      String netns,
      String containerId,
      String ifname,
      String config,
      String cniArgs)
      throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", containerId);
    env.put("CNI_NETNS", path(netns).toString());
    env.put("CNI_IFNAME", ifname);
    env.put("CNI_PATH", binDir.toString());
    if (cniArgs != null) {
      env.put("CNI_ARGS", "IgnoreUnknown=1;" + cniArgs);
    }
    return exec(type, env, config);
  }

  private void pluginNoNetns(String type, String containerId, String config) throws IOException {
    Map<String, String> env =
        Map.of(
            "CNI_COMMAND",
            "DEL",
            "CNI_CONTAINERID",
            containerId,
            "CNI_IFNAME",
            IFNAME,
            "CNI_PATH",
            binDir.toString());
    exec(type, env, config);
  }

  private String exec(String type, Map<String, String> env, String config) throws IOException {
    Path plugin = binDir.resolve(type);
    if (!Files.isExecutable(plugin)) {
      throw new IOException("CNI plugin " + plugin + " is missing");
    }
    ProcessRuntime.Result r = ProcessRuntime.run(List.of(plugin.toString()), env, config, TIMEOUT);
    if (!r.ok()) {
      throw new IOException(
          "CNI "
              + type
              + " "
              + env.get("CNI_COMMAND")
              + " failed: "
              + CniConfig.errorMessage(r.output().isBlank() ? r.error() : r.output()));
    }
    return r.output();
  }
}
