package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contents of a pod's {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf},
 * as the kubelet writes them.
 */
final class PodFiles {

  static final String CLUSTER_DOMAIN = "cluster.local";

  private PodFiles() {}

  /** spec.hostname, else the pod's name cut to a valid 63-character DNS label. */
  static String hostname(Pod pod) {
    String hostname = pod.getSpec().getHostname();
    if (hostname != null && !hostname.isBlank()) {
      return hostname;
    }
    String name = pod.getMetadata().getName();
    if (name.length() > 63) {
      name = name.substring(0, 63).replaceAll("[-.]+$", "");
    }
    return name;
  }

  /** {@code <hostname>.<subdomain>.<ns>.svc.cluster.local}, when spec.subdomain is set. */
  static Optional<String> fqdn(Pod pod) {
    String subdomain = pod.getSpec().getSubdomain();
    if (subdomain == null || subdomain.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        hostname(pod)
            + "."
            + subdomain
            + "."
            + pod.getMetadata().getNamespace()
            + ".svc."
            + CLUSTER_DOMAIN);
  }

  static String hosts(Pod pod, String podIp) {
    StringBuilder out = new StringBuilder();
    out.append("# Kubernetes-managed hosts file.\n");
    out.append("127.0.0.1\tlocalhost\n");
    out.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    out.append("fe00::0\tip6-localnet\n");
    out.append("fe00::0\tip6-mcastprefix\n");
    out.append("fe00::1\tip6-allnodes\n");
    out.append("fe00::2\tip6-allrouters\n");
    Optional<String> fqdn = fqdn(pod);
    out.append(podIp);
    fqdn.ifPresent(f -> out.append('\t').append(f));
    out.append('\t').append(hostname(pod)).append('\n');
    List<HostAlias> aliases = pod.getSpec().getHostAliases();
    if (aliases != null && !aliases.isEmpty()) {
      out.append("\n# Entries added by HostAliases.\n");
      for (HostAlias alias : aliases) {
        out.append(alias.getIp()).append('\t').append(String.join("\t", alias.getHostnames()));
        out.append('\n');
      }
    }
    return out.toString();
  }

  static String hostnameFile(Pod pod) {
    return hostname(pod) + "\n";
  }

  /**
   * resolv.conf for the pod's dnsPolicy: ClusterFirst (the default) uses the cluster DNS and search
   * path, Default uses {@code hostResolvConf}, None only spec.dnsConfig; dnsConfig is merged into
   * the others.
   */
  static String resolvConf(Pod pod, String clusterDns, String hostResolvConf) {
    String policy = Optional.ofNullable(pod.getSpec().getDnsPolicy()).orElse("ClusterFirst");
    LinkedHashSet<String> nameservers = new LinkedHashSet<>();
    LinkedHashSet<String> searches = new LinkedHashSet<>();
    Map<String, String> options = new LinkedHashMap<>();
    switch (policy) {
      case "None" -> {}
      case "Default" -> parseResolv(hostResolvConf, nameservers, searches, options);
      default -> {
        String ns = pod.getMetadata().getNamespace();
        nameservers.add(clusterDns);
        searches.add(ns + ".svc." + CLUSTER_DOMAIN);
        searches.add("svc." + CLUSTER_DOMAIN);
        searches.add(CLUSTER_DOMAIN);
        options.put("ndots", "5");
      }
    }
    PodDNSConfig config = pod.getSpec().getDnsConfig();
    if (config != null) {
      Optional.ofNullable(config.getNameservers()).ifPresent(nameservers::addAll);
      Optional.ofNullable(config.getSearches()).ifPresent(searches::addAll);
      for (PodDNSConfigOption o : Optional.ofNullable(config.getOptions()).orElse(List.of())) {
        options.put(o.getName(), o.getValue());
      }
    }
    StringBuilder out = new StringBuilder();
    if (!searches.isEmpty()) {
      out.append("search ").append(String.join(" ", searches)).append('\n');
    }
    for (String ns : nameservers) {
      out.append("nameserver ").append(ns).append('\n');
    }
    if (!options.isEmpty()) {
      List<String> parts = new ArrayList<>();
      options.forEach((k, v) -> parts.add(v == null ? k : k + ":" + v));
      out.append("options ").append(String.join(" ", parts)).append('\n');
    }
    return out.toString();
  }

  private static void parseResolv(
      String text,
      LinkedHashSet<String> nameservers,
      LinkedHashSet<String> searches,
      Map<String, String> options) {
    if (text == null) {
      return;
    }
    for (String line : text.split("\n")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length < 2 || parts[0].startsWith("#")) {
        continue;
      }
      switch (parts[0]) {
        case "nameserver" -> nameservers.add(parts[1]);
        case "search", "domain" -> searches.addAll(List.of(parts).subList(1, parts.length));
        case "options" -> {
          for (String option : List.of(parts).subList(1, parts.length)) {
            int colon = option.indexOf(':');
            options.put(
                colon < 0 ? option : option.substring(0, colon),
                colon < 0 ? null : option.substring(colon + 1));
          }
        }
        default -> {}
      }
    }
  }
}
