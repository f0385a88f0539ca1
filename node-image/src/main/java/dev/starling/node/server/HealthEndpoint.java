package dev.starling.node.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starling.node.command.NodeServices;
import dev.starling.node.command.OpCounters;
import dev.starling.node.util.ProcessMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side port: {@code /healthz} (alive, storage open), {@code /readyz} (what the node passes
 * as {@code ready}: accepting connections, and on a member PRIMARY, SECONDARY or ARBITER, so a
 * Kubernetes readiness probe and a PodDisruptionBudget count only members serving their role) and
 * {@code /metrics} (Prometheus text format).
 */
public final class HealthEndpoint implements AutoCloseable {
  private final HttpServer server;

  public HealthEndpoint(InetSocketAddress address, NodeServices node, BooleanSupplier ready)
      throws IOException {
    server = HttpServer.create(address, 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/healthz",
        exchange ->
            respond(
                exchange,
                node.storage().isOpen() ? 200 : 503,
                node.storage().isOpen() ? "ok\n" : "storage closed\n",
                "text/plain"));
    server.createContext(
        "/readyz",
        exchange ->
            respond(
                exchange,
                ready.getAsBoolean() ? 200 : 503,
                ready.getAsBoolean() ? "ready\n" : "not ready\n",
                "text/plain"));
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, metrics(node), "text/plain; version=0.0.4; charset=utf-8"));
    server.createContext("/", exchange -> respond(exchange, 404, "not found\n", "text/plain"));
  }

  public void start() {
    server.start();
  }

  static String metrics(NodeServices node) {
    StringBuilder out = new StringBuilder();
    long uptimeMillis = node.clock().millis() - node.startedAt().toEpochMilli();
    gauge(out, "starling_uptime_seconds", "Seconds since the node started.", uptimeMillis / 1000.0);
    gauge(
        out,
        "starling_connections_current",
        "Open client connections.",
        node.connections().current());
    counter(
        out,
        "starling_connections_created_total",
        "Client connections accepted since start.",
        node.connections().totalCreated());
    out.append("# HELP starling_opcounters_total Operations since start, by type.\n");
    out.append("# TYPE starling_opcounters_total counter\n");
    for (OpCounters.Kind kind : OpCounters.Kind.values()) {
      if (kind != OpCounters.Kind.NONE) {
        out.append("starling_opcounters_total{type=\"")
            .append(kind.field())
            .append("\"} ")
            .append(node.opCounters().get(kind))
            .append('\n');
      }
    }
    gauge(out, "starling_cursors_open", "Open cursors.", node.cursors().openCount());
    gauge(
        out,
        "starling_resident_memory_bytes",
        "Resident memory of the node process.",
        ProcessMemory.residentBytes());
    gauge(
        out,
        "starling_storage_size_bytes",
        "Bytes the storage engine holds (SST files and memtables).",
        node.storage().isOpen() ? node.storage().totalSizeOnDisk() : 0);
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, double value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(' ').append(format(value)).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, double value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(format(value)).append('\n');
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static void respond(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
