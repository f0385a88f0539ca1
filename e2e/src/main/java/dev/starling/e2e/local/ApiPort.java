package dev.starling.e2e.local;

import java.util.function.IntPredicate;

/**
 * The API server's port: the same number on host loopback (the forwarder) and inside the cluster
 * namespace, so one kubeconfig works in both. It is derived from the checkout's id so that it stays
 * put across runs, and moves on when another program (or another checkout) holds it on the host.
 */
final class ApiPort {
  static final int LOW = 20000;
  static final int HIGH = 39999;
  private static final int TRIES = 200;

  private ApiPort() {}

  static int preferred(String id) {
    return LOW + (int) (Long.parseLong(id, 16) % (HIGH - LOW + 1));
  }

  /**
   * The first port from the preferred one on, wrapping within [LOW, HIGH], that {@code free}
   * accepts.
   */
  static int choose(String id, IntPredicate free) {
    int range = HIGH - LOW + 1;
    int start = preferred(id) - LOW;
    for (int i = 0; i < TRIES; i++) {
      int port = LOW + (start + i) % range;
      if (free.test(port)) {
        return port;
      }
    }
    throw new LocalException(
        "no free port for the API server on 127.0.0.1 among "
            + TRIES
            + " tried from "
            + preferred(id));
  }
}
