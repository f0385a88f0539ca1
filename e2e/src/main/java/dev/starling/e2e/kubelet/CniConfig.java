package dev.starling.e2e.kubelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CNI network configurations the kubelet hands to the plugins (on stdin), and the parsing of
 * their results. Pod interfaces hang off the cluster namespace's bridge {@code cni0}, whose address
 * 10.244.0.1 is every pod's gateway; addresses come from host-local starting at 10.244.1.1 so that
 * 10.244.0.x stays free for the control plane.
 */
final class CniConfig {

  static final String VERSION = "1.0.0";
  static final String BRIDGE = "cni0";
  static final String SUBNET = "10.244.0.0/16";
  static final String RANGE_START = "10.244.1.1";
  static final String GATEWAY = "10.244.0.1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INET = Pattern.compile("\\binet (\\d+\\.\\d+\\.\\d+\\.\\d+)/\\d+");

  private CniConfig() {}

  static String bridge(Path ipamDataDir) {
    Map<String, Object> ipam = new LinkedHashMap<>();
    ipam.put("type", "host-local");
    ipam.put("subnet", SUBNET);
    ipam.put("rangeStart", RANGE_START);
    ipam.put("gateway", GATEWAY);
    ipam.put("dataDir", ipamDataDir.toString());
    // A default route, so that a pod that dials outside the cluster fails fast instead of
    // finding no route; the cluster namespace does not forward it anywhere.
    ipam.put("routes", List.of(Map.of("dst", "0.0.0.0/0", "gw", GATEWAY)));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("cniVersion", VERSION);
    config.put("name", "starling");
    config.put("type", "bridge");
    config.put("bridge", BRIDGE);
    config.put("isGateway", true);
    config.put("ipMasq", false);
    config.put("hairpinMode", true);
    config.put("ipam", ipam);
    return write(config);
  }

  static String loopback() {
    return write(Map.of("cniVersion", VERSION, "name", "lo", "type", "loopback"));
  }

  /** The first IPv4 address of an ADD result ({@code "ips": [{"address": "10.244.1.2/16"}]}). */
  static String resultIp(String result) {
    try {
      JsonNode root = JSON.readTree(result);
      for (JsonNode ip : root.path("ips")) {
        String address = ip.path("address").asText("");
        int slash = address.indexOf('/');
        String bare = slash < 0 ? address : address.substring(0, slash);
        if (bare.contains(".")) {
          return bare;
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("CNI result is not JSON: " + result, e);
    }
    throw new IllegalArgumentException("CNI result has no IPv4 address: " + result);
  }

  /** The error message of a failed plugin ({@code {"code": 7, "msg": "..."}}), or the raw text. */
  static String errorMessage(String output) {
    try {
      JsonNode root = JSON.readTree(output);
      if (root != null && root.has("msg")) {
        String details = root.path("details").asText("");
        return root.get("msg").asText() + (details.isEmpty() ? "" : ": " + details);
      }
    } catch (JsonProcessingException e) {
      // not JSON: fall through
    }
    return output.strip();
  }

  /** The IPv4 address in {@code ip -o -4 addr show dev eth0} output. */
  static Optional<String> addressOf(String ipAddrOutput) {
    Matcher m = INET.matcher(ipAddrOutput);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
