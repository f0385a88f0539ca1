package dev.starling.e2e.kubelet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's HTTPS API, one server per node on its daemon endpoint port, so that {@code kubectl
 * logs} works through the API server: {@code GET /containerLogs/<ns>/<pod>/<container>} with
 * previous, tailLines, limitBytes, follow and timestamps, and {@code /healthz}. No client
 * certificate is required. Logs have no recorded times: with timestamps=true each line carries the
 * time it was read, which is accurate only when following.
 */
final class KubeletServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);
  private static final long FOLLOW_POLL_MS = 100;

  private final KubeletOptions options;
  private final PodWorkers workers;
  private final SSLContext ssl;
  private final Clock clock;
  private final List<HttpsServer> servers = new ArrayList<>();

  KubeletServer(KubeletOptions options, PodWorkers workers, SSLContext ssl, Clock clock) {
    this.options = options;
    this.workers = workers;
    this.ssl = ssl;
    this.clock = clock;
  }

  void start() throws IOException {
    for (int i = 1; i <= options.nodes(); i++) {
      String node = options.nodeName(i);
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(options.address(), options.kubeletPort(i)), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(ssl));
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", exchange -> handle(node, exchange));
      server.start();
      servers.add(server);
      LOG.info("node {} serves on https://{}:{}", node, options.address(), options.kubeletPort(i));
    }
  }

  private void handle(String node, HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "method not allowed\n");
      } else if (path.equals("/healthz")) {
        send(exchange, 200, "ok");
      } else if (path.startsWith("/containerLogs/")) {
        containerLogs(node, exchange, path);
      } else {
        send(exchange, 404, "404 page not found\n");
      }
    } catch (IOException e) {
      LOG.debug("request ended: {}", e.toString());
    }
  }

  private void containerLogs(String node, HttpExchange exchange, String path) throws IOException {
    String[] parts = path.substring("/containerLogs/".length()).split("/");
    if (parts.length != 3) {
      send(exchange, 400, "expected /containerLogs/<namespace>/<pod>/<container>\n");
      return;
    }
    String ns = decode(parts[0]);
    String podName = decode(parts[1]);
    String container = decode(parts[2]);
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    boolean previous = Boolean.parseBoolean(query.getOrDefault("previous", "false"));
    boolean follow = Boolean.parseBoolean(query.getOrDefault("follow", "false"));
    boolean timestamps = Boolean.parseBoolean(query.getOrDefault("timestamps", "false"));
    Long tailLines = number(query.get("tailLines"));
    Long limitBytes = number(query.get("limitBytes"));

    Optional<PodWorker> worker = workers.find(ns, podName);
    if (worker.isEmpty() || !node.equals(worker.get().node)) {
      send(exchange, 404, "pod " + ns + "/" + podName + " not found on node " + node + "\n");
      return;
    }
    PodWorker w = worker.get();
    Optional<PodWorker.LogTarget> target = w.logTarget(container, previous);
    if (target.isEmpty()) {
      String reason = w.waitingReason(container);
      if (reason == null) {
        send(exchange, 400, "container " + container + " is not valid for pod " + podName + "\n");
      } else if (previous) {
        send(
            exchange,
            400,
            "previous terminated container \""
                + container
                + "\" in pod \""
                + podName
                + "\" not found\n");
      } else {
        send(
            exchange,
            400,
            "container \""
                + container
                + "\" in pod \""
                + podName
                + "\" is waiting to start: "
                + reason
                + "\n");
      }
      return;
    }
    Path file = target.get().file();
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = tailLines == null ? 0 : LogTail.offsetOfLastLines(channel, tailLines);
      Sink sink = new Sink(out, timestamps, limitBytes == null ? Long.MAX_VALUE : limitBytes);
      position = copy(channel, position, sink);
      while (follow && !sink.full()) {
        if (!w.writing(container, file)) {
          copy(channel, position, sink); // what was written before the end
          break;
        }
        long before = position;
        position = copy(channel, position, sink);
        if (position == before) {
          try {
            Thread.sleep(FOLLOW_POLL_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      sink.finish();
    }
  }

  private static long copy(FileChannel channel, long position, Sink sink) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16384);
    while (!sink.full()) {
      buffer.clear();
      int n = channel.read(buffer, position);
      if (n <= 0) {
        break;
      }
      position += n;
      sink.write(buffer.array(), n);
    }
    return position;
  }

  /** Writes log bytes to the client: optional per-line timestamps, a byte limit, flushes. */
  private final class Sink {
    private final OutputStream out;
    private final boolean timestamps;
    private long left;
    private boolean atLineStart = true;

    Sink(OutputStream out, boolean timestamps, long limit) {
      this.out = out;
      this.timestamps = timestamps;
      this.left = limit;
    }

    boolean full() {
      return left <= 0;
    }

    void write(byte[] bytes, int n) throws IOException {
      int start = 0;
      int i = 0;
      while (i < n && left > 0) {
        if (timestamps && atLineStart) {
          out.write(bytes, start, i - start);
          start = i;
          String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant());
          out.write((now + " ").getBytes(StandardCharsets.UTF_8));
          atLineStart = false;
        }
        if (bytes[i] == '\n') {
          atLineStart = true;
        }
        i++;
        left--;
      }
      out.write(bytes, start, i - start);
      out.flush();
    }

    void finish() throws IOException {
      out.flush();
    }
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "true" : decode(pair.substring(eq + 1));
      query.put(key, value);
    }
    return query;
  }

  private static Long number(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
