package dev.starling.node.server;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Decides, as mongod's isSelf does, whether a {@code host:port} of a replica-set config names this
 * node: the port is ours and the name resolves to an address of this machine that we listen on. In
 * Kubernetes a member is named by its pod's DNS name ({@code db-0.db-hs.ns.svc.cluster.local}),
 * which is neither its hostname nor a loopback name.
 */
final class LocalAddresses {
  private final int port;
  private final boolean bindIpAll;
  private final List<String> bindIps;

  LocalAddresses(int port, boolean bindIpAll, List<String> bindIps) {
    this.port = port;
    this.bindIpAll = bindIpAll;
    this.bindIps = List.copyOf(bindIps);
  }

  /** Whether {@code hostAndPort} names this node. A name that does not resolve does not. */
  boolean names(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    int hostPort;
    try {
      hostPort = colon < 0 ? 27017 : Integer.parseInt(hostAndPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (hostPort != port) {
      return false;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(stripBrackets(host))) {
        if (listensOn(address)) {
          return true;
        }
      }
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
    return false;
  }

  private boolean listensOn(InetAddress address) {
    try {
      boolean local =
          address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
      if (!local) {
        return false;
      }
    } catch (SocketException e) {
      return false;
    }
    return bindIpAll
        || address.isLoopbackAddress() && bindIps.stream().anyMatch(LocalAddresses::isLoopback)
        || bindIps.contains(address.getHostAddress());
  }

  static boolean isLoopback(String ip) {
    return ip.equals("localhost") || ip.startsWith("127.") || ip.equals("::1");
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
