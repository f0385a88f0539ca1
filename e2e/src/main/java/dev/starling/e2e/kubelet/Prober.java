package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs probe and lifecycle handlers against a container: httpGet and tcpSocket from the kubelet
 * (which shares the cluster namespace, where every pod address is reachable through cni0), exec
 * inside the container's namespaces with {@link ContainerCommand#exec}.
 */
final class Prober {

  /** A handler's result; {@code message} says why it failed, as the kubelet's events do. */
  record Outcome(boolean success, String message) {
    static Outcome ok() {
      return new Outcome(true, "");
    }
  }

  private final ProcessRuntime runtime;
  private final HttpClient http;
  private final HttpClient https;

  Prober(ProcessRuntime runtime) {
    this.runtime = runtime;
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.https =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .sslContext(trustAll())
            .build();
  }

  Outcome httpGet(HTTPGetAction action, Container container, String podIp, Duration timeout) {
    int port;
    try {
      port = port(action.getPort(), container);
    } catch (IllegalArgumentException e) {
      return new Outcome(false, e.getMessage());
    }
    String scheme =
        action.getScheme() == null ? "http" : action.getScheme().toLowerCase(java.util.Locale.ROOT);
    String host = action.getHost() == null || action.getHost().isEmpty() ? podIp : action.getHost();
    String path = action.getPath() == null || action.getPath().isEmpty() ? "/" : action.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String url = scheme + "://" + host + ":" + port + path;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
    request.header("User-Agent", "kube-probe/1.35");
    for (HTTPHeader h :
        action.getHttpHeaders() == null ? List.<HTTPHeader>of() : action.getHttpHeaders()) {
      try {
        request.header(h.getName(), h.getValue());
      } catch (IllegalArgumentException e) {
        // a header HttpClient manages itself (Host, Connection): not settable, skipped
      }
    }
    try {
      HttpResponse<Void> response =
          (scheme.equals("https") ? https : http)
              .send(request.build(), HttpResponse.BodyHandlers.discarding());
      int code = response.statusCode();
      if (code >= 200 && code < 400) {
        return Outcome.ok();
      }
      return new Outcome(false, "HTTP probe failed with statuscode: " + code);
    } catch (HttpTimeoutException e) {
      return new Outcome(
          false,
          "Get \""
              + url
              + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
    } catch (ConnectException e) {
      return new Outcome(
          false,
          "Get \"" + url + "\": dial tcp " + host + ":" + port + ": connect: connection refused");
    } catch (IOException e) {
      return new Outcome(false, "Get \"" + url + "\": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted");
    }
  }

  Outcome tcpSocket(TCPSocketAction action, Container container, String podIp, Duration timeout) {
    int port;
    try {
      port = port(action.getPort(), container);
    } catch (IllegalArgumentException e) {
      return new Outcome(false, e.getMessage());
    }
    String host = action.getHost() == null || action.getHost().isEmpty() ? podIp : action.getHost();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return Outcome.ok();
    } catch (SocketTimeoutException e) {
      return new Outcome(false, "dial tcp " + host + ":" + port + ": i/o timeout");
    } catch (IOException e) {
      return new Outcome(false, "dial tcp " + host + ":" + port + ": connect: connection refused");
    }
  }

  /** Runs the command in the container's namespaces, with its environment. */
  Outcome exec(
      ExecAction action,
      long pid,
      PodEnvironment.Identity identity,
      Map<String, String> env,
      Duration timeout) {
    List<String> command = action.getCommand() == null ? List.of() : action.getCommand();
    if (command.isEmpty()) {
      return new Outcome(false, "exec probe has no command");
    }
    try {
      java.nio.file.Path out = java.nio.file.Files.createTempFile("starling-exec", ".out");
      try {
        Process p = runtime.spawn(ContainerCommand.exec(pid, identity, command), env, out);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          return new Outcome(false, "command timed out after " + timeout.toSeconds() + "s");
        }
        String output =
            new String(java.nio.file.Files.readAllBytes(out), StandardCharsets.UTF_8).strip();
        if (p.exitValue() == 0) {
          return Outcome.ok();
        }
        return new Outcome(
            false,
            output.isEmpty()
                ? "command " + command + " exited with " + p.exitValue()
                : truncate(output));
      } finally {
        java.nio.file.Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Outcome(false, "exec failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted");
    }
  }

  /** A numeric port, or a named one looked up in the container's ports. */
  static int port(IntOrString port, Container container) {
    if (port == null) {
      throw new IllegalArgumentException("probe has no port");
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (name != null && name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
      return Integer.parseInt(name);
    }
    for (ContainerPort p :
        container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
      if (name != null && name.equals(p.getName())) {
        return p.getContainerPort();
      }
    }
    throw new IllegalArgumentException(
        "couldn't find port \"" + name + "\" in container " + container.getName());
  }

  private static String truncate(String s) {
    return s.length() > 1024 ? s.substring(0, 1024) + "..." : s;
  }

  /** Probes do not verify certificates, like the kubelet's. */
  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
