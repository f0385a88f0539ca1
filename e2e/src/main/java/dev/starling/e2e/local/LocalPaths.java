package dev.starling.e2e.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where one checkout's local cluster keeps its state, and the names derived from the checkout's id
 * (the first 8 hex digits of the SHA-256 of its absolute path), so that two checkouts on one
 * machine never share a namespace, a file or a port.
 *
 * @param checkout the checkout's root
 * @param bin the directory of the Kubernetes binaries, or null where a command does not need them
 */
record LocalPaths(Path checkout, Path bin) {
  static final String STATE_DIR = ".starling-local";

  LocalPaths {
    checkout = checkout.toAbsolutePath().normalize();
  }

  static String idOf(Path checkout) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  checkout
                      .toAbsolutePath()
                      .normalize()
                      .toString()
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  String id() {
    return idOf(checkout);
  }

  /**
   * The cluster's network namespace; the kubelet names each pod's namespace with this and a dash.
   */
  String netns() {
    return "stl-" + id();
  }

  String podNetnsPrefix() {
    return netns() + "-";
  }

  /** Whether {@code name} is the cluster's namespace or one of its pods'. */
  boolean ownsNetns(String name) {
    return name.equals(netns()) || name.startsWith(podNetnsPrefix());
  }

  Path state() {
    return checkout.resolve(STATE_DIR);
  }

  Path pki() {
    return state().resolve("pki");
  }

  Path pki(String file) {
    return pki().resolve(file);
  }

  Path logs() {
    return state().resolve("logs");
  }

  Path log(String component) {
    return logs().resolve(component + ".log");
  }

  Path etcd() {
    return state().resolve("etcd");
  }

  Path kubelet() {
    return state().resolve("kubelet");
  }

  /** What the kubelet writes for each pod: {@code pod.json} and {@code containers/<name>/pid}. */
  Path pod(String namespace, String name) {
    return kubelet().resolve("pods").resolve(namespace + "_" + name);
  }

  Path adminKubeconfig() {
    return state().resolve("admin.kubeconfig");
  }

  Path clusterJson() {
    return state().resolve("cluster.json");
  }

  Path healthJson() {
    return state().resolve("health.json");
  }

  Path corefile() {
    return state().resolve("Corefile");
  }

  /** {@code ip netns exec} mounts the files here over {@code /etc} (we put resolv.conf there). */
  Path etcNetns() {
    return Path.of("/etc/netns", netns());
  }

  Path tool(String name) {
    if (bin == null) {
      throw new LocalException(
          "the Kubernetes binaries are unknown here: run e2e/starling-local up first");
    }
    return bin.resolve(name);
  }
}
