package dev.starling.e2e.local;

import java.util.List;

/**
 * health.json: the supervisor's latest probe of every component it runs, rewritten every second,
 * read by {@code up} (to wait for readiness) and {@code status} (which runs in the host namespace
 * and cannot reach the components' loopback ports itself).
 */
record Health(long updatedAtMillis, boolean stopping, List<Component> components) {
  static final String STARTING = "starting";
  static final String READY = "ready";
  static final String UNREADY = "unready";
  static final String EXITED = "exited";
  static final String WAITING = "waiting";

  Health {
    components = components == null ? List.of() : List.copyOf(components);
  }

  /**
   * @param state {@link #WAITING} (not started yet), {@link #STARTING}, {@link #READY}, {@link
   *     #UNREADY} (was ready, probe fails now) or {@link #EXITED}
   * @param detail why it is not ready, or how it exited
   */
  record Component(String name, long pid, String state, String detail) {}

  boolean allReady() {
    return !components.isEmpty() && components.stream().allMatch(c -> c.state().equals(READY));
  }
}
